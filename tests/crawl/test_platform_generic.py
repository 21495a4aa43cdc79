import pytest

pytest.register_assert_rewrite("tests.crawl.site_cases")

from tests.crawl.site_cases import case_files, check_case  # noqa: E402

CASES = case_files("generic")


def test_every_recorded_page_has_a_reviewed_expected_file():
    assert CASES
    for page_file in CASES:
        assert page_file.with_name(page_file.name.split(".", 1)[0] + ".expected.json").is_file(), page_file.name


@pytest.mark.parametrize("page_file", CASES, ids=lambda p: p.name)
def test_recorded_page_matches_expected(page_file):
    check_case("generic", page_file)
