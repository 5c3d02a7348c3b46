"""The answer key of verdict exercises: a verdict word for each item of a list.

In a verdict exercise the learner judges each item (a reference "verified",
a claim "overstated") with one of a few verdict words. :class:`VerdictKey`
holds the items, the words and the right verdicts, and marks an answer:
all or nothing (:meth:`VerdictKey.require_all_correct`) or in proportion
to the right verdicts (:meth:`VerdictKey.points_earned`, nbgrader partial
credit).

The right verdicts are stored only as short hashes (:func:`verdict_digest`),
so reading the package or its data files does not give them away; a
determined learner could still try every option, which is fine for
self-study, not for exams. Where a verdict is genuinely arguable between
two words, the key accepts both, and a *sealed note* explains why: it is
stored encrypted with the right verdict itself (:func:`seal_note`), so a
learner reads it only after giving one of the accepted verdicts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .errors import CheckFailed
from .i18n import N_, tr

_COUNT_WORDS = (N_("no"), N_("one"), N_("two"), N_("three"), N_("four"), N_("five"), N_("six"), N_("seven"),
                N_("eight"), N_("nine"), N_("ten"))
_SEAL_MARK = b"why:"


def _clean(verdict: str) -> str:
    return verdict.strip().lower()


def verdict_digest(name: str, item_id: str, verdict: str) -> str:
    """The stored form of one right verdict: 8 hex digits of SHA-256 of ``"name|item_id|verdict"``.

    The verdict is compared without case or surrounding spaces; ``name``
    (the exercise's salt, e.g. ``"seed001"``) keeps two exercises' keys apart.
    """
    return hashlib.sha256(f"{name}|{item_id}|{_clean(verdict)}".encode()).hexdigest()[:8]


def _keystream(name: str, item_id: str, verdict: str, size: int) -> bytes:
    blocks, counter = [], 0
    while sum(map(len, blocks)) < size:
        blocks.append(hashlib.sha256(f"{name}|{item_id}|{_clean(verdict)}|why|{counter}".encode()).digest())
        counter += 1
    return b"".join(blocks)[:size]


def seal_note(name: str, item_id: str, verdict: str, text: str) -> str:
    """``text`` encrypted so that only the right ``verdict`` opens it; returned as hex.

    A keystream from SHA-256 of the exercise, item and verdict, XORed with
    the text: enough to keep a note unread until it is earned, not a
    safeguard for secrets.
    """
    plain = _SEAL_MARK + text.encode("utf-8")
    return bytes(a ^ b for a, b in zip(plain, _keystream(name, item_id, verdict, len(plain)))).hex()


def open_note(name: str, item_id: str, verdict: str, sealed: str) -> str | None:
    """The text of a note sealed with ``verdict``, or None if ``verdict`` does not open it."""
    try:
        data = bytes.fromhex(sealed)
    except ValueError:
        return None
    plain = bytes(a ^ b for a, b in zip(data, _keystream(name, item_id, verdict, len(data))))
    if not plain.startswith(_SEAL_MARK):
        return None
    try:
        return plain[len(_SEAL_MARK):].decode("utf-8")
    except UnicodeDecodeError:
        return None


@dataclass(frozen=True)
class VerdictKey:
    """Items to judge, the verdict words allowed, and the right verdicts stored as hashes only.

    Parameters
    ----------
    name : str
        The exercise's salt for :func:`verdict_digest` (e.g. ``"seed001"``).
    columns : tuple of str
        Column names of :meth:`table`; the first is the item id (e.g. ``"ref_id"``).
    rows : tuple of tuple of str
        One row per item, in the order the learner sees them.
    verdicts : mapping of str to str
        The allowed verdict words, each with what it means.
    answer_hashes : mapping of str to tuple of str
        For each item id, the digests of every verdict accepted as right.
        Usually one; two where a verdict is genuinely arguable between two
        categories.
    item : str
        What one item is called in feedback ("reference", "claim", "statement").
    variable : str
        The learner's variable that holds the verdicts, named in feedback.
    agreement : str
        How a right verdict is described: "{right} of {total} verdicts {agreement}."
    hint : str
        The hint given when verdicts are wrong.
    notes : mapping of str to tuple of str
        Sealed notes (:func:`seal_note`, one per accepted verdict) saying why
        an arguable item accepts more than one verdict; shown to a learner
        whose verdict opens one. Optional.
    """

    name: str
    columns: tuple
    rows: tuple
    verdicts: Mapping
    answer_hashes: Mapping
    item: str = N_("item")
    variable: str = "verdicts"
    agreement: str = N_("match the answer key")
    hint: str = N_("Reread the evidence for each item, and the meaning of each verdict.")
    notes: Mapping = field(default_factory=dict)

    def __post_init__(self):
        ids = [row[0] for row in self.rows]
        if ids != list(self.answer_hashes):
            raise ValueError(f"The key of {self.name!r} must list the same items, in the same order, as its rows.")
        if any(len(row) != len(self.columns) for row in self.rows):
            raise ValueError(f"Every row of {self.name!r} needs one value per column {tuple(self.columns)}.")
        if any(not digests for digests in self.answer_hashes.values()):
            raise ValueError(f"Every item of {self.name!r} needs at least one accepted verdict.")
        unknown = [item_id for item_id in self.notes if item_id not in self.answer_hashes]
        if unknown:
            raise ValueError(f"The key of {self.name!r} has notes for unknown items: {', '.join(unknown)}.")

    @classmethod
    def hashes_for(cls, name: str, right: Mapping[str, str | Iterable[str]]) -> dict:
        """Authoring helper: the ``answer_hashes`` for a plain key ``{item_id: verdict or [verdicts]}``.

        Run it once when writing an exercise and store only its result.
        """
        return {item_id: tuple(verdict_digest(name, item_id, v) for v in ([vs] if isinstance(vs, str) else vs))
                for item_id, vs in right.items()}

    @classmethod
    def seal_notes(cls, name: str, notes: Mapping[str, tuple[Iterable[str], str]]) -> dict:
        """Authoring helper: sealed ``notes`` from ``{item_id: ([accepted verdicts], why)}``.

        Each note is sealed once per accepted verdict, so either opens it.
        Run it once when writing an exercise and store only its result.
        """
        return {item_id: tuple(seal_note(name, item_id, v, text) for v in accepted)
                for item_id, (accepted, text) in notes.items()}

    @property
    def ids(self) -> tuple:
        """The item ids, in order."""
        return tuple(self.answer_hashes)

    def table(self):
        """The items as a table, one row each, with :attr:`columns`."""
        import pandas as pd

        return pd.DataFrame([list(row) for row in self.rows], columns=list(self.columns))

    def check_format(self, verdicts) -> None:
        """Explain, without revealing answers, whether ``verdicts`` is complete and uses the allowed words."""
        if not isinstance(verdicts, dict):
            example = next(iter(self.verdicts))
            shape = f'{{"{self.columns[0]}": "{example}", ...}}'
            raise CheckFailed(tr("`{variable}` should be a dictionary like {shape}.", variable=self.variable,
                                 shape=shape))
        missing = [item_id for item_id in self.ids if item_id not in verdicts]
        if missing:
            missing = ", ".join(missing)
            raise CheckFailed(tr("Give a verdict for every {item}; missing: {missing}.", item=tr(self.item),
                                 missing=missing))
        extra = [key for key in verdicts if key not in self.answer_hashes]
        if extra:
            extra = ", ".join(map(str, extra))
            raise CheckFailed(tr("These keys match no {item} in the list: {extra}.", item=tr(self.item), extra=extra))
        wrong = {k: v for k, v in verdicts.items() if not isinstance(v, str) or _clean(v) not in self.verdicts}
        if wrong:
            count = len(self.verdicts)
            words = tr(_COUNT_WORDS[count]) if count < len(_COUNT_WORDS) else str(count)
            options = "; ".join(f"'{v}'" for v in self.verdicts)
            raise CheckFailed(tr("Use one of the {words} verdicts exactly as written; not: {wrong}.", words=words,
                                 wrong=str(wrong)),
                              hint=tr("The options are: {options}", options=options))

    def _is_right(self, item_id: str, verdict: str) -> bool:
        return verdict_digest(self.name, item_id, verdict) in self.answer_hashes[item_id]

    def wrong_items(self, verdicts: dict) -> list:
        """The ids whose verdict is not (one of) the right one(s), in order; says nothing about the right verdict."""
        self.check_format(verdicts)
        return [item_id for item_id in self.ids if not self._is_right(item_id, verdicts[item_id])]

    def number_correct(self, verdicts: dict) -> int:
        """How many verdicts are right (after :meth:`check_format`)."""
        return len(self.ids) - len(self.wrong_items(verdicts))

    def earned_notes(self, verdicts: dict) -> dict:
        """``{item_id: note}`` for the arguable items whose note the learner's verdict opens."""
        opened = {}
        for item_id, sealed in self.notes.items():
            verdict = verdicts.get(item_id)
            if isinstance(verdict, str):
                text = next((t for s in sealed if (t := open_note(self.name, item_id, verdict, s))), None)
                if text:
                    opened[item_id] = text
        return opened

    def require_all_correct(self, verdicts: dict) -> None:
        """Pass only when every verdict is right; otherwise say how many are."""
        right = self.number_correct(verdicts)
        if right < len(self.ids):
            raise CheckFailed(tr("{right} of {total} verdicts {agreement}.", right=right, total=len(self.ids),
                                 agreement=tr(self.agreement)), hint=tr(self.hint))

    def points_earned(self, verdicts: dict, points: int) -> int:
        """Partial credit for an nbgrader test cell: ``floor(points * right / total)``, as an int.

        End a test cell with this call: nbgrader awards the number that a test
        cell's last result shows. Below full marks it first prints how many
        verdicts are right and which items to look at again (never their
        right verdicts); for an arguable item answered with an accepted
        verdict it prints the note that says why more than one is accepted.
        A format problem, no right verdict, or too few for one point raise
        :class:`course.errors.CheckFailed`, so the cell shows an explanation
        and earns 0 (an unanswered stub has already raised
        :class:`course.errors.NotAttempted` in :func:`course.feedback.answer`).

        Parameters
        ----------
        verdicts : dict
            The learner's ``{item_id: verdict}``.
        points : int
            The test cell's points in nbgrader (a whole number, at least 1).

        Returns
        -------
        int
            Points earned, from 1 to ``points``.
        """
        if isinstance(points, bool) or not isinstance(points, int) or points < 1:
            raise ValueError(f"points must be a whole number of at least 1, not {points!r}")
        wrong = self.wrong_items(verdicts)
        total = len(self.ids)
        right = total - len(wrong)
        earned = points * right // total
        if earned == 0:
            raise CheckFailed(tr("{right} of {total} verdicts {agreement}: not yet enough for a point.", right=right,
                                 total=total, agreement=tr(self.agreement)), hint=tr(self.hint))
        if wrong:
            again = ", ".join(wrong)
            print(tr("{right} of {total} verdicts {agreement}, worth {earned} of {points} points. "
                     "Look again at: {again}.", right=right, total=total, agreement=tr(self.agreement),
                     earned=earned, points=points, again=again))
        else:
            print(tr("All {total} verdicts {agreement}: {points} of {points} points.", total=total,
                     agreement=tr(self.agreement), points=points))
        for item_id, text in self.earned_notes(verdicts).items():
            print(tr("About {item}: {text}", item=item_id, text=text))
        return int(earned)
