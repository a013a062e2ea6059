import asyncio

import async_future_into_py as m


def test_awaitable():
    async def main():
        return await m.answer_later()

    assert asyncio.run(main()) == 42
