#!/bin/sh
# Runs once in the minio/mc image: the private evidence bucket and the portal's own key, which
# may touch that bucket and nothing else (the root credentials never reach the portal).
set -eu

mc alias set store "${MINIO_URL:-http://minio:9000}" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "store/$EVIDENCE_BUCKET"
# No anonymous access of any kind: no listing, no reading.
mc anonymous set none "store/$EVIDENCE_BUCKET"

cat > /tmp/portal-evidence-policy.json <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::$EVIDENCE_BUCKET"]
    },
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      "Resource": ["arn:aws:s3:::$EVIDENCE_BUCKET/*"]
    }
  ]
}
POLICY
mc admin policy create store portal-evidence /tmp/portal-evidence-policy.json
mc admin user add store "$S3_ACCESS_KEY_ID" "$S3_SECRET_ACCESS_KEY"
attached="$(mc admin user info store "$S3_ACCESS_KEY_ID")"
case "$attached" in
  *portal-evidence*) ;;
  *) mc admin policy attach store portal-evidence --user "$S3_ACCESS_KEY_ID" ;;
esac
echo "Bucket $EVIDENCE_BUCKET is ready and private."
