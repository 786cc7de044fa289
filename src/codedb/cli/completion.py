"""Shell completion scripts, generated from the commands' usage texts."""

import re

from ..errors import InvalidInput
from .frame import command_names, load_command

SHELLS = ("bash", "zsh")


def options_by_command() -> dict[str, list[str]]:
    """Every command with the long options its usage text names."""
    found = {}
    for name in command_names():
        doc, _ = load_command(name)
        found[name] = sorted(set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", doc)))
    return found


def script(shell: str) -> str:
    """A completion script for `shell` (bash or zsh)."""
    if shell not in SHELLS:
        raise InvalidInput(f"unknown shell {shell!r}; give one of {', '.join(SHELLS)}")
    options = options_by_command()
    cases = "\n".join(f'        {name}) opts="{" ".join(opts)}" ;;' for name, opts in options.items())
    body = f"""_codedb() {{
    local cur cmd opts
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    cmd=""
    for word in "${{COMP_WORDS[@]:1:COMP_CWORD-1}}"; do
        case "$word" in -*) ;; *) cmd="$word"; break ;; esac
    done
    if [ -z "$cmd" ]; then
        COMPREPLY=($(compgen -W "{" ".join(options)} --db --help --version" -- "$cur"))
        return
    fi
    case "$cmd" in
{cases}
        *) opts="" ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}}
complete -o default -F _codedb codedb"""
    if shell == "zsh":
        return "autoload -U +X bashcompinit && bashcompinit\n" + body
    return body
