"""The projects commands, in the old tools' words: `codedb projects ...`, `generations`,
`files`, `clarify`, `usage`, `costs`, `autosaves`, `analyses`."""

import json
import sys
from pathlib import Path
from typing import Any

from ...cli.common import json_arg, number_arg, open_db, out, output_format, page, whole_number
from ...cli.frame import FORMAT, PAGE, command
from ...cli.render import counted, table_rows
from ...core.files import make_private_dir, read_text, write_output
from ...errors import InvalidInput

PROJECT_COLUMNS = (
    "project_id",
    "name",
    "status",
    "project_type",
    "user_id",
    "actual_cost",
    "created_at",
    "updated_at",
)
EVENT_COLUMNS = ("timestamp", "action", "description", "actor")


def _show(fields: dict[str, Any]) -> str:
    width = max(len(k) for k in fields)
    lines = []
    for key, value in fields.items():
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
        lines.append(f"{key + ':':<{width + 1}} {'' if text is None else text}")
    return "\n".join(lines)


def _fields(args: dict[str, Any]) -> dict[str, Any]:
    """The project fields given on the command line (create and update)."""
    given = {
        "description": args.get("--description"),
        "project_type": args.get("--type"),
        "path": args.get("--path"),
        "config": json_arg(args.get("--config"), "--config"),
        "brief": json_arg(args.get("--brief"), "--brief"),
        "provider": args.get("--provider"),
        "model": args.get("--model"),
        "temperature": number_arg(args.get("--temperature"), "--temperature"),
        "max_tokens": whole_number(args.get("--max-tokens"), "--max-tokens", 1),
        "cost_estimate": number_arg(args.get("--cost-estimate"), "--cost-estimate"),
    }
    return {key: value for key, value in given.items() if value is not None}


@command(
    """
Usage: codedb projects list [--status=S] [--user=USER] [--type=T] [--search=TEXT]
                            [--created-after=DATE] [--created-before=DATE] [--updated-after=DATE]
                            [--updated-before=DATE] [--sort=KEY] [--desc] [--limit=N]
                            [--offset=N | --after=CURSOR] [--json | --csv] [options]
       codedb projects show PROJECT [--json] [options]
       codedb projects create --name=NAME [--user=USER] [--description=TEXT] [--type=T]
                              [--path=P] [--config=JSON] [--brief=JSON] [--provider=P] [--model=M]
                              [--temperature=X] [--max-tokens=N] [--cost-estimate=X]
                              [--actor=WHO] [options]
       codedb projects update PROJECT [--name=NAME] [--description=TEXT] [--type=T] [--path=P]
                              [--config=JSON] [--brief=JSON] [--provider=P] [--model=M]
                              [--temperature=X] [--max-tokens=N] [--cost-estimate=X]
                              [--actor=WHO] [options]
       codedb projects delete PROJECT [options]
       codedb projects (start | execute | pause | resume | complete | reopen) PROJECT
                              [--actor=WHO] [options]
       codedb projects fail PROJECT [--reason=TEXT] [--actor=WHO] [options]
       codedb projects history PROJECT [--limit=N] [--offset=N] [--json | --csv] [options]
       codedb projects export PROJECT (--file=FILE | --files=DIR) [--force] [options]
       codedb projects import FILE [options]

Projects and their lifecycle. PROJECT is a project's id, a unique prefix, or its name. The
status moves only by actions: start (creating -> in_progress), execute, pause, resume,
complete, fail and reopen; a refused move names the status and the allowed actions. Every
move and every edit is a workflow event ('history', newest first). 'list' prints the total
and pages with --limit and --offset, or with --after=CURSOR (the next_cursor of the page
before: as quick at any depth). 'export --file' writes everything that belongs to the project
as one JSON document, which 'import' reads (keyed on ids: twice adds nothing); 'export
--files' writes its generated files under DIR.

Options:
  --status=S             creating, in_progress, executing, paused, completed or failed
  --user=USER            a user (username or id)
  --type=T               the project type
  --search=TEXT          text in the name or description (any case)
  --created-after=DATE   created at or after DATE (ISO 8601)
  --created-before=DATE  created before DATE
  --updated-after=DATE   updated at or after DATE
  --updated-before=DATE  updated before DATE
  --sort=KEY             created, updated, name or cost [default: created]
  --desc                 in descending order
  --after=CURSOR         the page after this cursor
  --name=NAME            the project's name (unique per user)
  --description=TEXT     what it is
  --path=P               its folder
  --config=JSON          its configuration, a JSON object
  --brief=JSON           its brief, a JSON object
  --provider=P           the AI provider
  --model=M              the model
  --temperature=X        the sampling temperature
  --max-tokens=N         the token limit of a request
  --cost-estimate=X      the estimated cost
  --actor=WHO            who acts (written in the event)
  --reason=TEXT          why it failed
  --file=FILE            the JSON file to write (- for standard output)
  --files=DIR            the folder to write the generated files under
  --force                replace existing files
  --limit=N              show at most N rows
  --offset=N             skip the first N rows
"""
    + FORMAT
    + """
Example:
  codedb projects create --name=shop --type=web && codedb projects start shop
"""
)
def cmd_projects(args: dict[str, Any]) -> int:
    with open_db(args) as db:
        user_id = db.users.resolve(args["--user"]) if args["--user"] else None
        for action, handle in _NEW.items():
            if args[action]:
                return handle(db, args, user_id)
        project_id = db.projects.resolve(args["PROJECT"])
        for action, act in _ON_ONE.items():
            if args[action]:
                return act(db, args, project_id)
        action = next(a for a in MOVE_ACTIONS if args[a])
        moved = db.projects.move(project_id, action, reason=args["--reason"], actor=args["--actor"])
        out(f"{moved.name} is {moved.status}")
    return 0


MOVE_ACTIONS = ("start", "execute", "pause", "resume", "complete", "fail", "reopen")


def _list(db: Any, args: dict[str, Any], user_id: str | None) -> int:
    from ...cli.render import as_json, render

    listed = db.projects.list(
        status=args["--status"],
        user_id=user_id,
        project_type=args["--type"],
        text=args["--search"],
        created_after=args["--created-after"],
        created_before=args["--created-before"],
        updated_after=args["--updated-after"],
        updated_before=args["--updated-before"],
        sort=args["--sort"],
        descending=args["--desc"],
        limit=whole_number(args["--limit"], "--limit", 1) or 50,
        offset=whole_number(args["--offset"], "--offset") or 0,
        after=args["--after"],
    )
    if output_format(args) == "json":
        page = {"total": listed.total, "next_cursor": listed.next_cursor, "projects": list(listed.projects)}
        out(as_json(page))
        return 0
    out(render(listed.projects, PROJECT_COLUMNS, output_format(args)))
    if output_format(args) == "table":
        count = len(listed.projects)
        shown = (
            f"{count} of {counted(listed.total, 'project')}"
            if listed.total is not None
            else counted(count, "project")
        )
        out(shown + (f"; next page: --after={listed.next_cursor}" if listed.next_cursor else ""))
    return 0


def _create(db: Any, args: dict[str, Any], user_id: str | None) -> int:
    made = db.projects.create(args["--name"], user_id=user_id, actor=args["--actor"], **_fields(args))
    out(made.project_id)
    return 0


def _import(db: Any, args: dict[str, Any], user_id: str | None) -> int:
    from ...domains.library.exchange import read_json

    added = db.projects.import_document(read_json(args["FILE"]), str(args["FILE"]))
    out("imported: " + (table_rows(added) or "nothing new"))
    return 0


def _show_one(db: Any, args: dict[str, Any], project_id: str) -> int:
    from ...cli.render import as_json
    from ...core.convert import to_dict

    overview = db.projects.overview(project_id)
    fields = to_dict(overview.project)
    counts = {k: v for k, v in to_dict(overview).items() if k != "project"}
    out(as_json({**fields, "counts": counts}) if args["--json"] else _show({**fields, **counts}))
    return 0


def _update(db: Any, args: dict[str, Any], project_id: str) -> int:
    changes = _fields(args)
    if args["--name"] is not None:
        changes["name"] = args["--name"]
    db.projects.update(project_id, actor=args["--actor"], **changes)
    out(f"updated {project_id}")
    return 0


def _delete(db: Any, args: dict[str, Any], project_id: str) -> int:
    db.projects.delete(project_id)
    out(f"deleted project {project_id}")
    return 0


def _history(db: Any, args: dict[str, Any], project_id: str) -> int:
    from ...cli.render import render

    out(render(db.projects.history(project_id, **page(args)), EVENT_COLUMNS, output_format(args)))
    return 0


def _export(db: Any, args: dict[str, Any], project_id: str) -> int:
    from ...cli.render import as_json

    if args["--file"]:
        write_output(
            args["--file"],
            as_json(db.projects.export(project_id)) + "\n",
            force=args["--force"],
        )
        if args["--file"] != "-":
            out(f"wrote {args['--file']}")
        return 0
    from .work import check_relative_path

    root = Path(args["--files"])
    files = db.generated_files.list(project_id)
    make_private_dir(root)
    for item in files:  # paths are checked relative when stored; check again before writing
        parts = Path(check_relative_path(item.path)).parts
        for depth in range(1, len(parts)):  # no folder on the way may be a link out of DIR
            if (root.joinpath(*parts[:depth])).is_symlink():
                raise InvalidInput(
                    f"{root.joinpath(*parts[:depth])} is a symbolic link: {item.path} could be written "
                    f"outside {root}; give an empty folder"
                )
        dest = root.joinpath(*parts)
        make_private_dir(dest.parent)
        write_output(dest, item.content, force=args["--force"])
    out(f"wrote {len(files)} file{'' if len(files) == 1 else 's'} under {root}")
    return 0


@command(
    """
Usage: codedb generations add PROJECT --spec=TEXT [--language=L] [--framework=F]
                              [--code-file=FILE] [--status=S] [--tokens=N] [options]
       codedb generations list PROJECT [--limit=N] [--offset=N] [--json | --csv] [options]
       codedb generations show GENERATION [--json] [options]
       codedb generations finish GENERATION --status=S [--code-file=FILE] [--tokens=N] [options]

A project's code generations: a specification and, when finished, the generated code.

Options:
  --spec=TEXT       what to generate
  --language=L      the language
  --framework=F     the framework
  --code-file=FILE  the generated code (- for standard input)
  --status=S        pending, running, completed or failed
  --tokens=N        tokens used
"""
    + PAGE
    + FORMAT
    + """
Example:
  codedb generations add shop --spec="a cart page" --language=python
"""
)
def cmd_generations(args: dict[str, Any]) -> int:
    from ...cli.render import as_json, render

    code = read_text(args["--code-file"], "code file") if args["--code-file"] else ""
    with open_db(args) as db:
        if args["add"]:
            made = db.generations.add(
                db.projects.resolve(args["PROJECT"]),
                args["--spec"],
                language=args["--language"] or "",
                framework=args["--framework"] or "",
                generated_code=code,
                status=args["--status"] or "pending",
                tokens_used=whole_number(args["--tokens"], "--tokens") or 0,
            )
            out(made.generation_id)
        elif args["list"]:
            rows = db.generations.list(db.projects.resolve(args["PROJECT"]), **page(args))
            out(
                render(
                    rows,
                    ("generation_id", "status", "language", "framework", "tokens_used", "created_at"),
                    output_format(args),
                )
            )
        elif args["show"]:
            found = db.generations.get(db.generations.resolve(args["GENERATION"]))
            out(as_json(found) if args["--json"] else _show(_dict(found)))
        else:
            found = db.generations.finish(
                db.generations.resolve(args["GENERATION"]),
                args["--status"],
                code,
                whole_number(args["--tokens"], "--tokens") or 0,
            )
            out(f"generation {found.generation_id} is {found.status}")
    return 0


def _dict(record: Any) -> dict[str, Any]:
    from ...core.convert import to_dict

    return to_dict(record)


@command(
    """
Usage: codedb files save PROJECT --path=P (--content-file=FILE | --content=TEXT) [--type=T]
                         [--provider=P] [options]
       codedb files list PROJECT [--json | --csv] [options]
       codedb files show PROJECT --path=P [options]

A project's generated files, one per path: saving a path again replaces it. Paths are
relative and stay inside the project.

Options:
  --path=P             the file's path in the project
  --content-file=FILE  the content (- for standard input)
  --content=TEXT       the content, given inline
  --type=T             the file type
  --provider=P         the provider that generated it
"""
    + FORMAT
    + """
Example:
  codedb files save shop --path=src/cart.py --content-file=cart.py
"""
)
def cmd_files(args: dict[str, Any]) -> int:
    from ...cli.render import render

    content = (
        read_text(args["--content-file"], "content file") if args["--content-file"] else args["--content"]
    )
    with open_db(args) as db:
        project_id = db.projects.resolve(args["PROJECT"])
        if args["save"]:
            saved = db.generated_files.save(
                project_id,
                args["--path"],
                content,
                file_type=args["--type"] or "",
                provider=args["--provider"],
            )
            out(f"saved {saved.path} ({saved.lines} line{'' if saved.lines == 1 else 's'})")
        elif args["list"]:
            out(
                render(
                    db.generated_files.list(project_id),
                    ("path", "file_type", "size", "lines", "provider", "updated_at"),
                    output_format(args),
                )
            )
        else:
            sys.stdout.write(db.generated_files.get(project_id, args["--path"]).content)
    return 0


@command(
    """
Usage: codedb clarify start PROJECT --idea=TEXT --question=Q... [--depth=D] [options]
       codedb clarify answer SESSION --question=N --answer=TEXT [options]
       codedb clarify show SESSION [--json] [options]
       codedb clarify complete SESSION [--actor=WHO] [options]

Clarification sessions: an idea and its questions, answered one at a time; completing a
session fills its project's brief with the idea and the answers.

Options:
  --idea=TEXT    the idea to clarify
  --question=Q   a question (repeat for each); with answer: its number, from 1
  --depth=D      how deep to go [default: standard]
  --answer=TEXT  the answer
  --actor=WHO    who completes it
"""
    + """
Example:
  codedb clarify start shop --idea="an online shop" --question="Who buys?" --question="What?"
"""
)
def cmd_clarify(args: dict[str, Any]) -> int:
    from ...cli.render import as_json

    with open_db(args) as db:
        sessions = db.clarifications
        if args["start"]:
            made = sessions.start(
                db.projects.resolve(args["PROJECT"]),
                args["--idea"],
                args["--question"],
                depth=args["--depth"],
            )
            out(made.session_id)
            return 0
        session_id = sessions.resolve(args["SESSION"])
        if args["answer"]:
            number = whole_number(args["--question"][0] if args["--question"] else None, "--question", 1)
            found = sessions.answer(session_id, number or 0, args["--answer"])
            out(f"answered {len(found.answers)} of {len(found.questions)} ({found.progress:g}%)")
        elif args["complete"]:
            sessions.complete(session_id, actor=args["--actor"])
            out(f"completed {session_id}: the project's brief is filled")
        else:
            found = sessions.get(session_id)
            out(as_json(found) if args["--json"] else _show(_dict(found)))
    return 0


USAGE_COLUMNS = (
    "timestamp",
    "provider",
    "model",
    "request_type",
    "tokens_total",
    "cost",
    "latency_ms",
    "success",
    "project_id",
)


@command(
    """
Usage: codedb usage record --provider=P --model=M [--project=PROJECT] [--request-type=T]
                           [--tokens-in=N] [--tokens-out=N] [--cost=X] [--latency-ms=X]
                           [--failed [--error=TEXT]] [options]
       codedb usage list [--project=PROJECT] [--since=DATE] [--until=DATE] [--limit=N] [--offset=N]
                         [--json | --csv] [options]

Requests to AI providers: tokens, cost, latency and outcome. A request's cost adds to its
project's actual cost.

Options:
  --provider=P        the provider (openai, anthropic, ...)
  --model=M           the model
  --project=PROJECT   the project it was for
  --request-type=T    what kind of request [default: ]
  --tokens-in=N       prompt tokens [default: 0]
  --tokens-out=N      completion tokens [default: 0]
  --cost=X            what it cost [default: 0]
  --latency-ms=X      how long it took
  --failed            it failed
  --error=TEXT        why
  --since=DATE        at or after DATE (ISO 8601)
  --until=DATE        before DATE
"""
    + PAGE
    + FORMAT
    + """
Example:
  codedb usage record --provider=openai --model=gpt-4o --tokens-in=900 --tokens-out=300 --cost=0.012
"""
)
def cmd_usage(args: dict[str, Any]) -> int:
    from ...cli.render import render

    with open_db(args) as db:
        project_id = db.projects.resolve(args["--project"]) if args["--project"] else None
        if args["record"]:
            made = db.usage.record(
                args["--provider"],
                args["--model"],
                project_id=project_id,
                request_type=args["--request-type"],
                tokens_in=whole_number(args["--tokens-in"], "--tokens-in") or 0,
                tokens_out=whole_number(args["--tokens-out"], "--tokens-out") or 0,
                cost=number_arg(args["--cost"], "--cost") or 0.0,
                latency_ms=number_arg(args["--latency-ms"], "--latency-ms"),
                success=not args["--failed"],
                error=args["--error"],
            )
            out(made.usage_id)
        else:
            rows = db.usage.list(
                project_id=project_id, since=args["--since"], until=args["--until"], **page(args)
            )
            out(render(rows, USAGE_COLUMNS, output_format(args)))
    return 0


@command(
    """
Usage: codedb costs [--by=GROUP] [--since=DATE] [--until=DATE] [--json | --csv] [options]
       codedb costs --budget=AMOUNT [--period=P] [--json] [options]

Spend over a period, grouped by provider (and model), provider-day, day, month, project or
user; --by=latency gives per provider and model the error rate and the p50/p95/p99
latencies. With --budget: the spend of the current day or month (UTC) against AMOUNT and the
thresholds crossed (50, 80, 100 %); exit code 3 once 100 % is crossed, for cron jobs.

Options:
  --by=GROUP       provider, provider-day, day, month, project, user or latency [default: provider]
  --since=DATE     at or after DATE (ISO 8601)
  --until=DATE     before DATE
  --budget=AMOUNT  the budget of the period
  --period=P       day or month [default: month]
"""
    + FORMAT
    + """
Example:
  codedb costs --by=day --since=2026-11-01 --csv
  codedb costs --budget=50 --period=month || echo "over budget"
"""
)
def cmd_costs(args: dict[str, Any]) -> int:
    from ...cli.render import as_json, render

    with open_db(args) as db:
        if args["--budget"] is not None:
            found = db.usage.budget(number_arg(args["--budget"], "--budget") or 0.0, args["--period"])
            if args["--json"]:
                out(as_json(found))
            else:
                crossed = ", ".join(f"{t}%" for t in found.crossed) or "none"
                spent = f"spent {found.spent:.4f} of {found.budget:.4f} ({found.percent:g}%)"
                out(f"{found.period} from {found.since:%Y-%m-%d}: {spent}; thresholds crossed: {crossed}")
            return 3 if 100 in found.crossed else 0
        rows = db.usage.report(args["--by"], since=args["--since"], until=args["--until"])
        columns = tuple(rows[0]) if rows else ("cost",)
        out(render(rows, columns, output_format(args)))
        if output_format(args) == "table" and args["--by"] != "latency":
            total = db.usage.total(since=args["--since"], until=args["--until"])
            cost, requests, tokens = total["cost"], total["requests"], total["tokens_total"]
            out(f"total: {cost:.4f} over {requests:,} requests, {tokens:,} tokens")
    return 0


@command(
    """
Usage: codedb autosaves save --file-path=P (--content-file=FILE | --content=TEXT) [--type=T]
                             [--metadata=JSON] [options]
       codedb autosaves list [--file-path=P] [--limit=N] [--offset=N] [--json | --csv] [options]
       codedb autosaves show SAVE [options]
       codedb autosaves restore SAVE --to=FILE [--force] [options]

Autosaves of files being edited: each save keeps the content; 'restore' writes one back to
a file (never over an existing one without --force).

Options:
  --file-path=P        the edited file's path
  --content-file=FILE  the content (- for standard input)
  --content=TEXT       the content, given inline
  --type=T             the kind of save [default: auto]
  --metadata=JSON      a JSON object
  --to=FILE            where to restore it (- for standard output)
  --force              replace FILE
"""
    + PAGE
    + FORMAT
    + """
Example:
  codedb autosaves list --file-path=src/app.py && codedb autosaves restore 3f2a --to=app.py
"""
)
def cmd_autosaves(args: dict[str, Any]) -> int:
    from ...cli.render import render

    with open_db(args) as db:
        if args["save"]:
            content = (
                read_text(args["--content-file"], "content file")
                if args["--content-file"]
                else args["--content"]
            )
            made = db.autosaves.save(
                args["--file-path"],
                content,
                save_type=args["--type"],
                metadata=json_arg(args["--metadata"], "--metadata"),
            )
            out(made.save_id)
        elif args["list"]:
            rows = db.autosaves.list(args["--file-path"], **page(args))
            out(
                render(
                    rows,
                    ("save_id", "file_path", "save_type", "size_chars", "created_at"),
                    output_format(args),
                )
            )
        else:
            found = db.autosaves.get(db.autosaves.resolve(args["SAVE"]))
            if args["show"]:
                sys.stdout.write(found.content)
            else:
                write_output(args["--to"], found.content, force=args["--force"])
                if args["--to"] != "-":
                    out(
                        f"restored {found.file_path} ({found.created_at:%Y-%m-%d %H:%M:%S}) to {args['--to']}"
                    )
    return 0


@command(
    """
Usage: codedb analyses add PROJECT --health=SCORE [--issues=N] [--warnings=N] [--analysis=JSON]
                            [options]
       codedb analyses list PROJECT [--limit=N] [--json | --csv] [options]
       codedb analyses latest PROJECT [--json] [options]

Project analyses: a health score from 0 to 100 with counts of issues and warnings; 'list'
is the trend, newest first.

Options:
  --health=SCORE   the health score, 0-100
  --issues=N       issues found [default: 0]
  --warnings=N     warnings found [default: 0]
  --analysis=JSON  the analysis, a JSON object
  --limit=N        show at most N rows
"""
    + FORMAT
    + """
Example:
  codedb analyses add shop --health=82 --issues=3
"""
)
def cmd_analyses(args: dict[str, Any]) -> int:
    from ...cli.render import as_json, render

    with open_db(args) as db:
        project_id = db.projects.resolve(args["PROJECT"])
        if args["add"]:
            made = db.analyses.add(
                project_id,
                number_arg(args["--health"], "--health"),
                analysis=json_arg(args["--analysis"], "--analysis"),
                issues=whole_number(args["--issues"], "--issues") or 0,
                warnings=whole_number(args["--warnings"], "--warnings") or 0,
            )
            out(made.analysis_id)
        elif args["list"]:
            rows = db.analyses.list(project_id, limit=whole_number(args["--limit"], "--limit"))
            out(render(rows, ("created_at", "health_score", "issues", "warnings"), output_format(args)))
        else:
            latest = db.analyses.latest(project_id)
            if latest is None:
                out("no analysis yet")
            else:
                out(as_json(latest) if args["--json"] else _show(_dict(latest)))
    return 0


# The actions of `codedb projects`: those that name no project, then those on one (the
# lifecycle actions, MOVE_ACTIONS, after them).
_NEW = {"list": _list, "create": _create, "import": _import}
_ON_ONE = {"show": _show_one, "update": _update, "delete": _delete, "history": _history, "export": _export}
