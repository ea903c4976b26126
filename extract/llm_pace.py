"""How long to wait for an answer: a local server is slow, not dead.

A timed-out generation is never sent again by the client (the server may still be computing
it; a second copy only doubles its work), so the wait must fit the request. Each answer
teaches the pace: seconds per token of the request (prompt plus answer), a moving average.
A request's wait is the larger of KG_LLM_TIMEOUT and `MARGIN` times its tokens at that
pace: a long prompt on a slow CPU model gets the minutes it needs, a fast endpoint keeps
the floor.
"""

from dataclasses import dataclass

MARGIN = 3.0  # an answer may take this many times the usual time before it is given up
WEIGHT = 0.3  # of the newest answer in the moving average


@dataclass
class Pace:
    floor_s: float  # KG_LLM_TIMEOUT
    seconds_per_token: float | None = None

    def record(self, tokens: int, seconds: float) -> None:
        """One answered request: its tokens (in and out) and how long it took."""
        if tokens <= 0 or seconds <= 0:
            return
        latest = seconds / tokens
        known = self.seconds_per_token
        self.seconds_per_token = latest if known is None else (1 - WEIGHT) * known + WEIGHT * latest

    def timeout_for(self, tokens: int) -> float:
        """The wait for a request of `tokens` (prompt plus the answer's bound)."""
        if self.seconds_per_token is None:
            return self.floor_s
        return max(self.floor_s, MARGIN * self.seconds_per_token * tokens)
