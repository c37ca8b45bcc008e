"""URL routes: the agents' admin, and (in their own modules) the customer portal and API."""

from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal import site_views

# "RMA Portal" is the product's name in every language; the words around it are translated.
admin.site.site_title = "RMA Portal"
admin.site.site_header = format_lazy(_("{product} — support"), product=admin.site.site_title)
admin.site.index_title = _("Cases")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", site_views.site_home, name="site_home"),
    path("favicon.ico", site_views.favicon, name="favicon"),
    path("", include("portal.customer.urls")),
]
