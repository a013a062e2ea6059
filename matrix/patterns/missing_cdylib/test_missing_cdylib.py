def test_the_module_imports_and_its_function_works():
    import missing_cdylib

    assert missing_cdylib.add(2, 3) == 5
