"""Charts drawn on the server as SVG with presentation attributes only."""

from decimal import Decimal

from core.charts import Series, line_chart, sparkline


def test_a_sparkline_is_an_image_with_a_text_alternative_and_no_style():
    svg = sparkline(
        [
            Series("Actual", [Decimal(1), None, Decimal(3)]),
            Series("Target", [2, 2, 2], points=False),
        ],
        count=3,
        label='KPI1 <trend> & "profile"',
    )
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'aria-label="KPI1 &lt;trend&gt; &amp; &quot;profile&quot;"' in svg
    assert "style=" not in svg
    assert "<script" not in svg
    # A gap where nothing was entered: two separate points, no line through the gap.
    assert svg.count("<circle") == 2


def test_a_line_chart_names_its_table_and_labels_its_axes():
    svg = line_chart(
        [Series("Actual", [Decimal(4100), Decimal(3900)]), Series("Target", [4000, 4000])],
        labels=["Apr", "May"],
        title="KPI1: actual against target",
        describedby="periods-table",
    )
    assert 'aria-describedby="periods-table"' in svg
    assert "<title>KPI1: actual against target</title>" in svg
    assert ">Apr</text>" in svg
    assert ">5,000</text>" in svg  # the axis rounds up to a round number
    assert "style=" not in svg


def test_a_chart_with_nothing_entered_still_draws():
    svg = line_chart([Series("Actual", [None, None])], labels=["Apr", "May"], title="Empty")
    assert "<svg" in svg
    assert "<circle" not in svg
