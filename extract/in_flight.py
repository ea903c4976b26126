"""The one bounded-concurrency loop: work started per item, never more than `limit`
unfinished at once, each result handed over as soon as it is ready. It serves the LLM
extractor and the full-text fetch (asyncio tasks, results as they finish) and the rules
extractor's process pool (futures, results in input order).

Holding back the next item until a slot is free is what keeps a stream of any length from
being read into memory at once; on any error the unfinished work is cancelled.
"""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import Future


async def as_finished[T, R](
    items: Iterable[T],
    start: Callable[[T], Awaitable[R]],
    limit: int,
    done: Callable[[R], None],
) -> None:
    """Run `start(item)` for each item as a task, at most `limit` unfinished at once, and
    hand each result to `done` as it finishes (not in input order). An error from a task
    or from `done` cancels (and awaits) the unfinished tasks, then propagates."""
    pending: set[asyncio.Task[R]] = set()

    async def hand_over() -> None:
        nonlocal pending
        finished, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in finished:
            done(task.result())

    try:
        for item in items:
            pending.add(asyncio.ensure_future(start(item)))
            if len(pending) >= limit:
                await hand_over()
        while pending:
            await hand_over()
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


def in_order[T, R](
    items: Iterable[T],
    submit: Callable[[T], Future[R]],
    limit: int,
    done: Callable[[R], None],
) -> None:
    """Submit each item (to a pool), at most `limit` unfinished at once, and hand the
    results to `done` in input order. An error cancels what has not started."""
    in_flight: deque[Future[R]] = deque()
    try:
        for item in items:
            in_flight.append(submit(item))
            if len(in_flight) >= limit:
                done(in_flight.popleft().result())
        while in_flight:
            done(in_flight.popleft().result())
    finally:
        for future in in_flight:
            future.cancel()
