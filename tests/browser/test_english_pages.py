"""Every public page in English, in a real Chromium at phone and desktop widths: no Japanese outside an
element marked lang="ja" (the plan's texts that have no English, the narratives), no axe violation, nothing
wider than the screen. One walk through all the pages, so the plans are published once."""

from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_public_pages import PAGES

ENGLISH_PAGES = {name: "/en" + url for name, url in PAGES.items() if not url.startswith("/en/")}

# Japanese: kana, CJK ideographs, the CJK punctuation (、。「」) and the full-width forms (（）％～), in the text
# and in the alt, aria-label and title attributes of the body. Left out: "－" (U+FF0D), the plan's own mark for a
# grade not assessed and for a value not given, which both languages show as it is, as the grades keep their
# marks; and the page's <title>, which cannot mark a part of itself: it names a plan or an indicator that has
# no English by its Japanese name (the heading of the page shows the same name marked lang="ja").
JAPANESE_OUTSIDE_LANG_JA = r"""() => {
  const japanese = /[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff0c\uff0e-\uff60]/;
  const outside = element => !element.closest('[lang="ja"]');
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (element.closest('script, style')) continue;
    if (outside(element) && japanese.test(node.textContent)) found.push(node.textContent.trim().slice(0, 80));
  }
  for (const element of document.querySelectorAll('[alt], [aria-label], [title], option, caption')) {
    for (const name of ['alt', 'aria-label', 'title']) {
      const value = element.getAttribute(name);
      if (value && outside(element) && japanese.test(value)) found.push(`${name}: ${value.slice(0, 80)}`);
    }
  }
  return found;
}"""


def test_every_english_page_shows_no_japanese_outside_lang_ja_and_passes_axe_at_both_widths(
    site, page, screenshot_dir
):
    problems = []
    for name, url in ENGLISH_PAGES.items():
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(site + url)
            where = f"{url} at {width} px"
            problems += [
                f"{where}: Japanese outside lang=ja: {text}"
                for text in page.evaluate(JAPANESE_OUTSIDE_LANG_JA)
            ]
            results = Axe().run(page)
            if results.violations_count:
                problems.append(f"{where}: {results.generate_report()}")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                problems.append(f"{where}: {overflow} px wider than the screen")
            if page.evaluate("document.documentElement.lang") != "en":
                problems.append(f"{where}: <html lang> is not en")
            page.screenshot(path=screenshot_dir / f"english-{name}-{width}.png", full_page=True)
    assert not problems, "\n".join(problems)
