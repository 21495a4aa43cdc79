"""The template_arithmetic check tells failures of partial reports (rows not read) from the source's own."""
from pipeline.defs.extract.assets import template_arithmetic
from pipeline.defs.resources import GongkaiResource
from tests.warehouse.nights import night, standard_reports


def test_template_arithmetic_names_partial_reports_and_marks_their_failures(tmp_path):
    reports = standard_reports()
    _, cut = reports[1]   # 海盐县 2020: its balance check fails
    cut.status, cut.completeness = "partial", 0.25
    cut.error = "partial: 1 of 34 template rows not read (applications: granted)"
    resource = GongkaiResource(data_dir=str(tmp_path), warehouse=str(tmp_path / "w.duckdb"))
    night("night-1", reports).frames.write(resource.night_config().paths.stage_dir / "parsed" / "33")

    result = template_arithmetic(gongkai=resource)
    metadata = {key: getattr(value, "value", value) for key, value in result.metadata.items()}
    assert metadata["partial_reports"] == 1 and metadata["reports_failing_that_are_partial"] == 1
    assert "http://www.haiyan.gov.cn/a/2020.html: completeness 25%; partial: 1 of 34 template rows not read" in metadata["partial"]
    assert "2020.html (partial, completeness 25%: rows not read count as 0)" in metadata["failing"]
    assert "zeku.gov.cn/nb/2020.html\n" in metadata["failing"] + "\n"
