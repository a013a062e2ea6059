import asyncio

import async_bound_across_await as m


def test_size():
    async def main():
        return await m.size_later({"a": 1})

    assert asyncio.run(main()) == 1
