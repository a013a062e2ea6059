import asyncio

import async_py_across_await as m


def test_the_same_dict_comes_back_after_the_await():
    d = {"a": 1}

    async def main():
        return await m.same_later(d)

    assert asyncio.run(main()) is d
