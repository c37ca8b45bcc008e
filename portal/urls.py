"""URL routes: the agents' admin, and (in their own modules) the customer portal and API."""

from django.contrib import admin
from django.urls import include, path

from portal import site_views

admin.site.site_header = "RMA Portal — support"
admin.site.site_title = "RMA Portal"
admin.site.index_title = "Cases"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", site_views.site_home, name="site_home"),
    path("favicon.ico", site_views.favicon, name="favicon"),
    path("", include("portal.customer.urls")),
]
