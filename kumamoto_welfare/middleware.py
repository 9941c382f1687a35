"""The site's middleware: the Content-Security-Policy of SVG images."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's CONTENT_SECURITY_POLICY, and SVG_CONTENT_SECURITY_POLICY for SVG images (see settings)."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and response.get("Content-Type", "").startswith("image/svg+xml"):
            parts.config = settings.SVG_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts
