"""The five things a person can do to a document with a signature (Decree 30/2020).

One type instead of role names scattered over tables: the signature field's
name prefix, the suffix of a signed copy's file name, the server's name for
the step and what comes next are properties of the role. A ``Role`` is a
``str`` enum, so ``Role.LEADER == "leader"`` and JSON, settings and command
lines keep the plain names.
"""

from __future__ import annotations

import enum


class Role(str, enum.Enum):
    INITIAL = "initial"        # ký nháy: the office reviewer
    LEADER = "leader"          # ký số: the competent person (người có thẩm quyền)
    AGENCY = "agency"          # cấp số & đóng dấu: the clerk (văn thư), agency signature
    ATTACHMENT = "attachment"  # agency signature on an appendix in its own file
    COPY = "copy"              # agency signature on an electronic copy (SAO Y, …)

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: "Role | str") -> "Role":
        """``Role`` from its name; :class:`~kyso.core.errors.UsageError` otherwise."""
        try:
            return cls(value)
        except ValueError:
            from .errors import UsageError

            raise UsageError("usage.bad_role", role=value) from None

    @property
    def field_prefix(self) -> str:
        """Signature field names Kyso gives this role's signatures (KysoLeader1, …)."""
        return _FIELD_PREFIX[self]

    @property
    def file_suffix(self) -> str:
        """``van-ban.pdf`` signed in this role beside the original: ``van-ban.<suffix>.pdf``."""
        return _FILE_SUFFIX[self]

    @property
    def next(self) -> "Role | None":
        """What the document waits for after this role signed (initial → leader → agency)."""
        return _NEXT.get(self)

    @property
    def server_action(self) -> str | None:
        """The document server's name for the step (``initial``, ``sign``, ``issue``)."""
        return _SERVER_ACTION.get(self)

    @classmethod
    def from_server_action(cls, action: str | None) -> "Role | None":
        for role, name in _SERVER_ACTION.items():
            if name == action:
                return role
        return None

    @property
    def uses_placement_analysis(self) -> bool:
        """Placed from the page's own text (signature block, blanks), not top right."""
        return self in (Role.INITIAL, Role.LEADER, Role.AGENCY)


_FIELD_PREFIX = {Role.INITIAL: "KysoInitial", Role.LEADER: "KysoLeader", Role.AGENCY: "KysoAgency",
                 Role.ATTACHMENT: "KysoAttachment", Role.COPY: "KysoCopy"}
_FILE_SUFFIX = {Role.INITIAL: "ky-nhay", Role.LEADER: "ky-so", Role.AGENCY: "ban-hanh",
                Role.ATTACHMENT: "phu-luc", Role.COPY: "sao-y"}
_NEXT = {Role.INITIAL: Role.LEADER, Role.LEADER: Role.AGENCY}
_SERVER_ACTION = {Role.INITIAL: "initial", Role.LEADER: "sign", Role.AGENCY: "issue"}

ROLE_NAMES = tuple(r.value for r in Role)
