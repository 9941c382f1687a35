"""The site's middleware: the Content-Security-Policy of SVG images, and the language of a request."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.utils import translation


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's CONTENT_SECURITY_POLICY, and SVG_CONTENT_SECURITY_POLICY for SVG images (see settings)."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and response.get("Content-Type", "").startswith("image/svg+xml"):
            parts.config = settings.SVG_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts


class PathLanguageMiddleware:
    """The language of a request is its path's: English under /en/ (i18n_patterns in urls.py), Japanese
    everywhere else, the admin included. There is no negotiation from Accept-Language or a cookie, so that
    a URL shows the same page to everyone, as the page cache and a shared link expect. (The JSON API's
    ?lang=en is the API view's: it chooses the texts of the data, not the language of the request.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):  # and back to what was active, once the page is drawn
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
