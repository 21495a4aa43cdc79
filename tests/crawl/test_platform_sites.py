"""Every platform adapter against its recorded pages and their reviewed expected outputs."""
import pytest

pytest.register_assert_rewrite("tests.crawl.site_cases")

from tests.crawl.site_cases import case_files, check_case  # noqa: E402

PLATFORMS = ("hanweb", "jpaas", "trs", "gkmlpt", "generic", "hanweb_xxgk", "lonsun", "epoint", "truecms",
             "sitefactory")
CASES = [(platform, page) for platform in PLATFORMS for page in case_files(platform)]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_recorded_page_has_a_reviewed_expected_file(platform):
    pages = case_files(platform)
    assert pages, f"no recorded pages for {platform}"
    for page_file in pages:
        assert page_file.with_name(page_file.name.split(".", 1)[0] + ".expected.json").is_file(), page_file.name


@pytest.mark.parametrize(("platform", "page_file"), CASES, ids=lambda value: getattr(value, "name", value))
def test_recorded_page_matches_expected(platform, page_file):
    check_case(platform, page_file)
