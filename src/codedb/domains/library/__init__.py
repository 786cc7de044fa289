"""The function library: functions with their modules, tags, dependencies, unit tests, test
results and change history (the old code_db tool's tables)."""

from ...core.registry import Commands, Domain, Table

DOMAIN = Domain(
    name="library",
    package=__name__,
    tables=(
        Table("function", "records:Function"),
        Table("module", "records:Module"),
        Table("tag", "records:Tag"),
        Table("function_modules", "records:FunctionModule"),
        Table("function_tags", "records:FunctionTag"),
        Table("function_dependencies", "records:FunctionDependency"),
        Table("unittest", "records:UnitTest"),
        Table("testresult", "records:TestResult"),
        Table("modification", "records:Modification"),
        Table("function_vectors", "records:FunctionVector"),
    ),
    api=(
        ("functions", "functions:Functions"),
        ("modules", "labels:Modules"),
        ("tags", "labels:Tags"),
        ("dependencies", "dependencies:Dependencies"),
        ("tests", "unittests:Tests"),
        ("modifications", "functions:Modifications"),
    ),
    commands=Commands(
        title="Function library",
        module=f"{__name__}.commands",
        summaries=(
            ("add-function", "add a function with its modules and tags"),
            ("show-function", "show a function, its modules, tags and tests"),
            ("modify-function", "replace a function's code, recording the change"),
            ("delete-function", "delete a function and what belongs to it"),
            ("list-functions", "list functions, by module and/or tag"),
            ("search-functions", "ranked full-text search of functions (or --substring)"),
            ("list-modules", "list modules"),
            ("add-function-to-module", "put a function in a module"),
            ("list-tags", "list tags"),
            ("add-tag", "tag a function"),
            ("add-dependency", "record that a function depends on another"),
            ("remove-dependency", "forget a dependency"),
            ("list-dependencies", "what a function depends on"),
            ("detect-cycles", "find dependency cycles"),
            ("detect-recursion", "whether a function calls itself or is on a cycle"),
            ("visualize-dependencies", "write the dependency graph as Graphviz DOT"),
            ("add-test", "add a unit test to a function"),
            ("record-result", "record a test result"),
            ("show-results", "list test results"),
            ("purge-tests", "delete a function's tests and results"),
            ("list-modifications", "a function's change history"),
            ("coverage-report", "tests, passes, failures and coverage per function"),
            ("export-function", "write a function to a JSON file"),
            ("import-function", "read functions from a JSON file"),
            ("export-module", "write a module's functions to a JSON file"),
            ("import-module", "read a module's functions from a JSON file"),
            ("generate-module-file", "write a module's functions as one Julia file"),
        ),
    ),
    derived=("function_search",),  # the full-text index (migration 0016), kept by triggers
    search=("functions",),
)
