"""The quick fix a user reaches for most: insert the missing contract test
task. Received as a diagnostic, offered as a code action, applied as a
client applies a workspace edit, and then gone — with every other line
of tasks.md unchanged."""

import pathlib

from lsprotocol import types

from test_server import codes, diagnostics_for, open_document, start, uri


def apply_edits(text: str, edits) -> str:
    """Apply LSP text edits (UTF-16 positions) to `text`, last first."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        units = line.encode("utf-16-le")[: position.character * 2].decode("utf-16-le")
        return before + len(units)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
        lines = text.split("\n")
    return text


async def test_insert_missing_contract_test_task(workspace: pathlib.Path):
    client = await start("neovim@v0.7.0", workspace)
    feature = workspace / "specs" / "001-team-invites"
    tasks, contract = feature / "tasks.md", feature / "contracts" / "openapi.yaml"
    open_document(client, tasks)
    open_document(client, contract)
    found = await diagnostics_for(client, contract, lambda d: "contract-without-test" in codes(d))
    target = next(d for d in found if d.code == "contract-without-test" and "accept" in d.message)

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(contract)),
            range=target.range,
            context=types.CodeActionContext(diagnostics=[target]),
        )
    )
    insert = next(a for a in actions if isinstance(a, types.CodeAction) and "contract test" in a.title.lower())
    assert insert.kind == types.CodeActionKind.QuickFix
    edits = insert.edit.changes[uri(tasks)]

    before = tasks.read_text()
    after = apply_edits(before, edits)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(tasks), version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=after)],
        )
    )

    # The inserted task names the operation; nothing else moved.
    old_lines, new_lines = before.splitlines(), after.splitlines()
    added = [line for line in new_lines if line not in old_lines]
    assert len(added) == 1 and "/api/invitations/{token}/accept" in added[0], added
    assert [line for line in new_lines if line != added[0]] == old_lines

    remaining = await diagnostics_for(
        client, contract, lambda d: not any(x.code == "contract-without-test" and "accept" in x.message for x in d)
    )
    assert all("accept" not in d.message for d in remaining if d.code == "contract-without-test")
    await client.shutdown_session()
