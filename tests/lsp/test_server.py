"""specls over stdio, driven by pytest-lsp (pygls) with the capabilities of
real editors: Neovim 0.7 (push diagnostics, UTF-16), Neovim 0.11 (UTF-8
offered), VS Code 1.65 and Emacs 29 (eglot)."""

import asyncio
import pathlib
import sys

import pytest
from lsprotocol import types

from conftest import specls_binary

sys.path.insert(0, str(pathlib.Path(__file__).parent))

from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

TIMEOUT = 20


def uri(path: pathlib.Path) -> str:
    return path.resolve().as_uri()


async def start(capabilities: str, workspace: pathlib.Path, settings=None) -> LanguageClient:
    config = ClientServerConfig(server_command=[specls_binary(), "serve", "--stdio"])
    client = await config.start()
    if settings is not None:
        client.set_configuration(settings, section="specls")
    caps = client_capabilities(capabilities)
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            root_uri=uri(workspace),
            workspace_folders=[types.WorkspaceFolder(uri=uri(workspace), name="ws")],
        )
    )
    # A client that pulls (textDocument/diagnostic) asks for open documents.
    client.pulls = result.capabilities.diagnostic_provider is not None
    client.opened = set()
    return client


def open_document(client: LanguageClient, path: pathlib.Path, version: int = 1) -> None:
    client.opened.add(uri(path))
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri(path), language_id="markdown", version=version, text=path.read_text()
            )
        )
    )


async def diagnostics_for(client: LanguageClient, path: pathlib.Path, want=lambda d: True):
    """Wait until the client holds diagnostics for `path` that satisfy `want`."""
    target = uri(path)

    async def pulled():
        params = types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=target))
        report = await client.text_document_diagnostic_async(params)
        return report.items

    async def poll():
        while True:
            if client.pulls and target in client.opened:
                items = await pulled()
                if want(items):
                    return items
            elif target in client.diagnostics and want(client.diagnostics[target]):
                return client.diagnostics[target]
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(poll(), TIMEOUT)


def codes(diagnostics) -> set:
    return {d.code for d in diagnostics}


@pytest.mark.parametrize("editor", ["neovim@v0.7.0", "neovim@v0.11.0", "visual_studio_code", "emacs"])
async def test_example_folder_lights_up_in_every_editor(editor, workspace):
    client = await start(editor, workspace)
    tasks = workspace / "specs" / "001-team-invites" / "tasks.md"
    open_document(client, tasks)
    found = await diagnostics_for(client, tasks, lambda d: "duplicate-task-id" in codes(d))
    assert {"duplicate-task-id", "unknown-task-reference", "parallel-file-conflict"} <= codes(found)
    duplicate = next(d for d in found if d.code == "duplicate-task-id")
    assert (duplicate.range.start.line, duplicate.range.start.character) == (40, 6)
    assert duplicate.severity == types.DiagnosticSeverity.Error
    # Files that are not open are published too.
    spec = workspace / "specs" / "001-team-invites" / "spec.md"
    assert "duplicate-requirement-id" in codes(await diagnostics_for(client, spec))
    await client.shutdown_session()
    assert client._server.returncode == 0


async def test_an_edit_clears_the_diagnostic_it_fixes(workspace):
    client = await start("neovim@v0.7.0", workspace)
    tasks = workspace / "specs" / "001-team-invites" / "tasks.md"
    open_document(client, tasks)
    await diagnostics_for(client, tasks, lambda d: "duplicate-task-id" in codes(d))
    # Rename the second T010 (line 41, 0-based 40... the later use) to T011.
    line = tasks.read_text().splitlines()[40]
    assert line.startswith("- [ ] T010")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(tasks), version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=40, character=6), end=types.Position(line=40, character=10)),
                    text="T011",
                )
            ],
        )
    )
    found = await diagnostics_for(client, tasks, lambda d: "duplicate-task-id" not in codes(d))
    assert "unknown-task-reference" in codes(found)
    await client.shutdown_session()


async def test_utf16_columns_after_emoji(workspace):
    client = await start("neovim@v0.7.0", workspace)
    tasks = workspace / "specs" / "001-team-invites" / "tasks.md"
    text = tasks.read_text().replace("Send the invitation email", "Send the 📨 invitation 邮件")
    tasks.write_text(text)
    open_document(client, tasks)
    found = await diagnostics_for(client, tasks, lambda d: "unknown-task-reference" in codes(d))
    unknown = next(d for d in found if d.code == "unknown-task-reference")
    line = text.splitlines()[unknown.range.start.line]
    before = line[: line.index("T099")]
    assert unknown.range.start.character == len(before.encode("utf-16-le")) // 2
    await client.shutdown_session()


async def test_settings_pulled_with_workspace_configuration_apply_from_the_first_report(workspace):
    client = await start("visual_studio_code", workspace, settings={"rules": {"duplicate-task-id": "off"}})
    tasks = workspace / "specs" / "001-team-invites" / "tasks.md"
    open_document(client, tasks)
    found = await diagnostics_for(client, tasks, lambda d: "unknown-task-reference" in codes(d))
    assert "duplicate-task-id" not in codes(found)
    await client.shutdown_session()


async def test_settings_pushed_with_did_change_configuration_apply(workspace):
    # Neovim 0.7 does not answer workspace/configuration; it pushes settings.
    client = await start("neovim@v0.7.0", workspace)
    tasks = workspace / "specs" / "001-team-invites" / "tasks.md"
    open_document(client, tasks)
    await diagnostics_for(client, tasks, lambda d: "duplicate-task-id" in codes(d))
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"specls": {"rules": {"duplicate-task-id": "hint"}}})
    )
    found = await diagnostics_for(
        client, tasks, lambda d: any(x.code == "duplicate-task-id" and x.severity == types.DiagnosticSeverity.Hint for x in d)
    )
    assert "unknown-task-reference" in codes(found)
    await client.shutdown_session()


async def test_a_contract_changed_on_disk_updates_diagnostics(workspace):
    client = await start("neovim@v0.11.0", workspace)
    feature = workspace / "specs" / "001-team-invites"
    tasks = feature / "tasks.md"
    open_document(client, tasks)
    contract = feature / "contracts" / "openapi.yaml"
    await diagnostics_for(client, contract, lambda d: any("DELETE" in x.message for x in d))
    # Remove the untested, unimplemented DELETE operation on disk.
    text = contract.read_text()
    contract.write_text(text[: text.index("  /api/invitations/{invitationId}:")])
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=uri(contract), type=types.FileChangeType.Changed)])
    )
    found = await diagnostics_for(client, contract, lambda d: not any("DELETE" in x.message for x in d))
    # The other findings of the contract stay: GET has a test but no implementation.
    assert "endpoint-without-task" in codes(found)
    await client.shutdown_session()


async def test_exit_without_shutdown_ends_the_process_with_code_1(workspace):
    client = await start("neovim@v0.7.0", workspace)
    client.exit(None)
    await asyncio.wait_for(client._server.wait(), TIMEOUT)
    assert client._server.returncode == 1
    await client.stop()
