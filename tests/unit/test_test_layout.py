"""`pytest` from the repository root collects every test directory at once, and pytest's default
import mode imports test modules by their basename: two test files of one name in different
directories stop the collection ("import file mismatch")."""

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_test_file_names_are_unique_across_the_suite():
    names = Counter(path.name for path in TESTS.rglob("test_*.py") if "output" not in path.parts)
    assert names, "no test files found under %s" % TESTS
    assert [name for name, count in names.items() if count > 1] == []
