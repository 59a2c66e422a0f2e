import pytest

from images.indexing.packages.model import MAX_PACKAGES_PER_FILE, OverLimit, check_count, lines


@pytest.mark.parametrize("text", ["a\r\nb\rc\n\nd", "", "\n", "x\n\n\n", "a\x0bb\u2028c\n", "no newline"])
@pytest.mark.parametrize("chunk", [1, 2, 3, 1 << 20])
def test_lines_are_splitlines_a_piece_at_a_time(text, chunk):
    assert list(lines(text, chunk)) == text.splitlines()


def test_check_count_refuses_the_package_past_the_limit():
    check_count([None] * (MAX_PACKAGES_PER_FILE - 1))
    with pytest.raises(OverLimit, match=f"lists more than {MAX_PACKAGES_PER_FILE} packages"):
        check_count([None] * MAX_PACKAGES_PER_FILE)
