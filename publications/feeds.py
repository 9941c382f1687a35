"""An Atom feed of a plan's publications and corrections, so that people can follow each release."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from plans.models import Plan
from publications.models import Publication


class PublicationsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Plan.objects.filter(publications__isnull=False).distinct(), slug=slug)

    def title(self, plan):
        document = Publication.objects.current(plan).document()
        title = document["title_en"] if get_language() == "en" and document["title_en"] else document["title"]
        return _("%(title)s 公表・訂正の履歴") % {"title": title}

    def link(self, plan):
        return reverse("public:publications", args=[plan.slug])

    def subtitle(self, plan):
        return _("成果指標の実績値と取組の状況の公表、およびその訂正のお知らせです。")

    def items(self, plan):
        publications = Publication.objects.filter(plan=plan).select_related("plan").defer("content")
        return publications.order_by("-published_at", "-id")[:50]

    def item_title(self, publication):
        kind = _("訂正") if publication.is_correction else _("公表")
        return _("%(label)s（%(kind)s）") % {"label": publication.label, "kind": kind}

    def item_description(self, publication):
        return publication.note

    def item_link(self, publication):
        return reverse("public:publication", args=[publication.plan.slug, publication.key])

    def item_pubdate(self, publication):
        return publication.published_at

    def item_updateddate(self, publication):
        return publication.published_at

    def item_author_name(self, publication):
        return publication.organisation or publication.publisher
