"""The mock services of practice exercises (app/content/exercise.py): what a screen of each may
say and offer. A new service is one entry here and its look in the exercise templates. Pure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    """A mock service: the moves a screen may offer, and which of them say "this is a scam"."""

    name: str
    moves: tuple[str, ...]
    says_scam: frozenset
    channels: tuple[str, ...]
    screen_keys: tuple[str, ...]
    flag_key: str = "scam"  # the screen key that says "something is wrong here" (yes/no): Screen.scam
    needs_sender: bool = True  # every screen says `from:` (who sent it)


SERVICES = {
    "inbox": Service(
        name="inbox",
        # safe: "nothing wrong, act on it"; delete, report, call-official (an official number) and
        # call-known (the person, on the number you already know): "a scam"; the rest are what a
        # scammer wants (usually marked [!]): reply, open-link, tell-code, send-money, call-back
        # (the number given in the message).
        moves=("safe", "delete", "report", "call-official", "call-known", "reply", "open-link", "tell-code",
               "send-money", "call-back"),
        says_scam=frozenset({"delete", "report", "call-official", "call-known"}),
        channels=("sms", "messenger", "call"),
        screen_keys=("channel", "from", "scam", "hint"),
    ),
    "bank": Service(
        name="bank",
        # A bank app's screens: a transfer to confirm (`from:` the recipient's number; the screen shows
        # the name the app found), a QR payment to confirm (`from:` the shop), an SMS, the card's page.
        # `problem: yes` when something is wrong (an unexpected name, a wrong amount, a scam message):
        # then the right move stops it: cancel, block-card, call-official, delete. confirm and pay go
        # ahead; wait does nothing; open-link, tell-code, reply, call-back are what a scammer wants.
        moves=("confirm", "pay", "wait", "cancel", "block-card", "call-official", "delete", "open-link", "tell-code",
               "reply", "call-back"),
        says_scam=frozenset({"cancel", "block-card", "call-official", "delete"}),
        channels=("transfer", "qr", "sms", "card"),
        screen_keys=("channel", "from", "problem", "hint"),
        flag_key="problem",
    ),
    "egov": Service(
        name="egov",
        # The eGov portal in a browser, with the learner's phone beside it. `channel:` is `address`
        # (which address to open), `page` (a page of the portal) or `popup` (a chat window over the
        # page). `trap: yes` where the screen sets a trap (a look-alike address, a pop-up asking
        # for the code): the right move avoids it (open-official, close-popup). The others are the
        # steps of the portal; open-lookalike, open-link and tell-code are what a scammer wants.
        moves=("open-official", "open-lookalike", "open-link", "sign-in", "close-popup", "tell-code", "enter-code",
               "search", "open-service", "open-other", "order", "pay", "sign", "download", "visit-office",
               "call-official"),
        says_scam=frozenset({"open-official", "close-popup"}),
        channels=("address", "page", "popup"),
        screen_keys=("channel", "trap", "hint", "fields", "sms"),
        flag_key="trap",
        needs_sender=False,
    ),
}
# What a learner may type on a screen (`fields:`): name=expected value. `code` expects the code of
# the SMS on the phone (no value written); `chat` (a pop-up's message box) expects nothing and is
# never kept; `query` is found when what was typed contains it.
FIELDS = ("iin", "password", "code", "query", "chat")
FREE_FIELDS = ("code", "chat")
SMS_STATES = ("new", "shown")
