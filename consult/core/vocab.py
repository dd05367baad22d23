"""Stable vocabulary codes (CONTRACT §3) and their translatable labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLES = ("citizen", "facilitator", "moderator", "admin")
CHANNELS = ("online", "hearing", "paper")
STANCES = ("support", "oppose", "concern", "suggestion")
COMMENT_STATUSES = ("published", "pending", "hidden", "rejected", "withdrawn")
PROVINCES = (
    "punjab",
    "sindh",
    "khyber-pakhtunkhwa",
    "balochistan",
    "gilgit-baltistan",
    "azad-jammu-kashmir",
    "islamabad",
    "overseas",
    "undisclosed",
)
STAKEHOLDER_GROUPS = (
    "citizen",
    "student",
    "academic",
    "civil-society",
    "expert",
    "government",
    "private-sector",
    "media",
    "other",
    "undisclosed",
)
GENDERS = ("woman", "man", "transgender", "other", "undisclosed")
AGE_BANDS = ("18-24", "25-34", "35-49", "50-64", "65+", "undisclosed")
FLAG_REASONS = ("spam", "abuse", "off-topic", "personal-data", "other")
POLICY_STATUSES = ("draft", "open", "closed", "published")
MODERATION_MODES = ("post", "pre")
# What a moderator does to a comment or an account; `auto-hide` is the flag threshold's,
# `hold` the spam heuristics' (both recorded with no actor: the platform's own actions).
MODERATION_ACTIONS = (
    "approve",
    "hide",
    "restore",
    "reject",
    "dismiss-flags",
    "auto-hide",
    "ban",
    "unban",
    "hold",
)
# Why: shown in the thread ("Hidden by a moderator: Spam") and counted on /transparency.
MODERATION_REASONS = (
    "spam",
    "abuse",
    "off-topic",
    "personal-data",
    "campaign",
    "flagged",
    "other",
)
# Why the spam heuristics held a comment as pending (`comments.held_for`, desk only).
HOLD_REASONS = ("blocked-term", "link-limit")
# A group of near-identical comments (moderation/campaigns.py): found by the platform,
# confirmed by a moderator as one campaign, or split up by a moderator (not a campaign).
CAMPAIGN_STATUSES = ("candidate", "confirmed", "split")
# A hearing's life, only forward: announced, taking input in the hall, closed for the record.
HEARING_STATUSES = ("scheduled", "open", "closed")
# Who a policy invites to its invited stream (invitations/): CONTRACT §3.
BODY_KINDS = (
    "federal-ministry",
    "provincial-government",
    "regional-government",
    "military",
    "expert-council",
    "academia",
    "civil-society",
    "other",
)
# Where an input came from: anyone (`open`) or a person invited to the consultation.
INPUT_STREAMS = ("open", "invited")
# What the government did with a comment or a theme ("we asked, you said, we did").
DISPOSITIONS = ("accepted", "partly_accepted", "not_accepted", "noted")

LABELS = {
    "role": {
        "citizen": _l("Citizen"),
        "facilitator": _l("Facilitator"),
        "moderator": _l("Moderator"),
        "admin": _l("Administrator"),
    },
    "province": {
        "punjab": _l("Punjab"),
        "sindh": _l("Sindh"),
        "khyber-pakhtunkhwa": _l("Khyber Pakhtunkhwa"),
        "balochistan": _l("Balochistan"),
        "gilgit-baltistan": _l("Gilgit-Baltistan"),
        "azad-jammu-kashmir": _l("Azad Jammu and Kashmir"),
        "islamabad": _l("Islamabad Capital Territory"),
        "overseas": _l("Overseas Pakistani"),
        "undisclosed": _l("Prefer not to say"),
    },
    "stakeholder_group": {
        "citizen": _l("Citizen"),
        "student": _l("Student"),
        "academic": _l("Academic"),
        "civil-society": _l("Civil society"),
        "expert": _l("Expert or specialist"),
        "government": _l("Government"),
        "private-sector": _l("Private sector"),
        "media": _l("Media"),
        "other": _l("Other"),
        "undisclosed": _l("Prefer not to say"),
    },
    "gender": {
        "woman": _l("Woman"),
        "man": _l("Man"),
        "transgender": _l("Transgender"),
        "other": _l("Other"),
        "undisclosed": _l("Prefer not to say"),
    },
    "age_band": {
        "18-24": _l("18 to 24"),
        "25-34": _l("25 to 34"),
        "35-49": _l("35 to 49"),
        "50-64": _l("50 to 64"),
        "65+": _l("65 or older"),
        "undisclosed": _l("Prefer not to say"),
    },
    "channel": {
        "online": _l("Online"),
        "hearing": _l("At a hearing"),
        "paper": _l("Paper form"),
    },
    "stance": {
        "support": _l("Supports"),
        "oppose": _l("Opposes"),
        "concern": _l("Concern"),
        "suggestion": _l("Suggestion"),
    },
    "flag_reason": {
        "spam": _l("Spam"),
        "abuse": _l("Abuse"),
        "off-topic": _l("Off-topic"),
        "personal-data": _l("Personal data"),
        "other": _l("Other"),
    },
    "comment_status": {
        "published": _l("Published"),
        "pending": _l("Awaiting a moderator"),
        "hidden": _l("Hidden by a moderator"),
        "rejected": _l("Not published by a moderator"),
        "withdrawn": _l("Withdrawn by you"),
    },
    "moderation_reason": {
        "spam": _l("Spam"),
        "abuse": _l("Abuse"),
        "off-topic": _l("Off-topic"),
        "personal-data": _l("Personal data"),
        "campaign": _l("Part of a copy-and-paste campaign"),
        "flagged": _l("Reported by several readers, awaiting review"),
        "other": _l("Breaks the participation rules"),
    },
    "moderation_verb": {
        "approve": _l("Approve: publish it"),
        "hide": _l("Hide it, with a reason"),
        "restore": _l("Restore it"),
        "reject": _l("Reject it, with a reason (not published)"),
        "dismiss-flags": _l("Dismiss the reports"),
    },
    "moderation_action": {
        "approve": _l("Approved"),
        "hide": _l("Hidden"),
        "restore": _l("Restored"),
        "reject": _l("Rejected"),
        "dismiss-flags": _l("Reports dismissed"),
        "auto-hide": _l("Hidden after reports"),
        "ban": _l("Account suspended"),
        "unban": _l("Suspension lifted"),
        "hold": _l("Held for review automatically"),
    },
    "hold_reason": {
        "blocked-term": _l("Contains a blocked term"),
        "link-limit": _l("Too many links for a new account"),
    },
    "campaign_status": {
        "candidate": _l("Possible campaign, not yet reviewed"),
        "confirmed": _l("Confirmed campaign"),
        "split": _l("Split up: not a campaign"),
    },
    "hearing_status": {
        "scheduled": _l("Scheduled"),
        "open": _l("Open now"),
        "closed": _l("Closed"),
    },
    "body_kind": {
        "federal-ministry": _l("Federal ministry or division"),
        "provincial-government": _l("Provincial government"),
        "regional-government": _l("Government of Gilgit-Baltistan or Azad Jammu and Kashmir"),
        "military": _l("Military institution"),
        "expert-council": _l("Council of experts"),
        "academia": _l("Academia"),
        "civil-society": _l("Civil society"),
        "other": _l("Other body"),
    },
    "invitation_state": {
        "not-sent": _l("Not sent"),
        "sent": _l("Sent"),
        "opened": _l("Opened"),
        "joined": _l("Joined"),
        "contributed": _l("Contributed"),
    },
    "input_stream": {
        "open": _l("Open consultation"),
        "invited": _l("Invited"),
    },
    "disposition": {
        "accepted": _l("Accepted"),
        "partly_accepted": _l("Partly accepted"),
        "not_accepted": _l("Not accepted"),
        "noted": _l("Noted"),
    },
    "policy_status": {
        "draft": _l("Draft"),
        "open": _l("Open for feedback"),
        "closed": _l("Closed"),
        "published": _l("Report published"),
    },
}


def choices(kind: str) -> list[tuple[str, str]]:
    """(code, label) pairs for a form select, in vocabulary order."""
    return [(code, label) for code, label in LABELS[kind].items()]


def label(kind: str, code: str | None) -> str:
    if code is None:
        return ""
    return str(LABELS.get(kind, {}).get(code, code))


def sql_in(values: tuple[str, ...]) -> str:
    """Render a CHECK-constraint list; the codes are our own constants, never user input."""
    return ", ".join(f"'{v}'" for v in values)
