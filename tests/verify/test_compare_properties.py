"""Properties of the timeline comparison: exact copies pass, each single damage is named."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.findings import Exchange
from harness.planning.expected import ExpectedMessage, UserExpectation
from harness.verify.evidence import Context, Message
from harness.verify.messages import compare_user_messages

CTX = Context("http://t", "GET /msgs/<user>", (Exchange("GET", "http://t/msgs/u"),))
TEXTS = st.lists(
    st.sampled_from(["a b c d e", "“quoted” – text", "\ufeffbom text", "x <y> & z"])
    | st.text(min_size=1, max_size=20),
    min_size=1,
    max_size=15,
)


@st.composite
def timeline(draw: st.DrawFn) -> tuple[UserExpectation, list[Message]]:
    """An expectation and a correct read-back (newest first, non-increasing seconds)."""
    texts = draw(TEXTS)
    user = UserExpectation("u", certain=True)
    user.messages = [ExpectedMessage(i, t) for i, t in reversed(list(enumerate(texts)))]
    steps = draw(st.lists(st.integers(0, 2), min_size=len(texts), max_size=len(texts)))
    date, observed = 10_000, []
    for m, step in zip(user.messages, steps, strict=True):
        date -= step
        observed.append(Message(m.content, date, "u"))
    return user, observed


def _checks(user: UserExpectation, observed: list[Message]) -> list[str]:
    return sorted(f.check for f in compare_user_messages(CTX, user, observed))


@settings(max_examples=100, deadline=None)
@given(case=timeline(), data=st.data())
def test_exact_copy_passes_even_with_ties_shuffled(
    case: tuple[UserExpectation, list[Message]], data: st.DataObject
) -> None:
    user, observed = case
    # Shuffle inside each run of equal seconds: still correct.
    shuffled: list[Message] = []
    for date in sorted({m.pub_date for m in observed}, key=lambda d: -(d or 0)):
        run = [m for m in observed if m.pub_date == date]
        shuffled += data.draw(st.permutations(run))
    assert _checks(user, shuffled) == []


@settings(max_examples=100, deadline=None)
@given(case=timeline(), data=st.data())
def test_one_dropped_message_is_one_lost_write(
    case: tuple[UserExpectation, list[Message]], data: st.DataObject
) -> None:
    user, observed = case
    del observed[data.draw(st.integers(0, len(observed) - 1))]
    assert _checks(user, observed) == ["verify.lost-write"]


@settings(max_examples=100, deadline=None)
@given(case=timeline(), data=st.data())
def test_one_repeated_message_is_one_duplicate(
    case: tuple[UserExpectation, list[Message]], data: st.DataObject
) -> None:
    user, observed = case
    copy = observed[data.draw(st.integers(0, len(observed) - 1))]
    observed.insert(0, Message(copy.content, 20_000, "u"))
    assert _checks(user, observed) == ["verify.duplicate"]
