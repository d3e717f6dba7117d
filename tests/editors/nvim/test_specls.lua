-- Neovim, headless, as a real specls client: the plugin in editors/nvim
-- starts the built server for a copy of examples/ (on Neovim 0.7, Debian
-- 12's, through vim.lsp.start_client + vim.lsp.buf_attach_client), and
-- this script checks what Neovim received: diagnostics (codes, positions,
-- severities; the `rules` setting applied), a hover on a task ID, code
-- actions, and that applying the "Use T011" fix clears the diagnostic.
--
-- Run by tests/editors/nvim/run, which sets:
--   SPECLS_BIN          the server binary
--   SPECLS_WORKSPACE    a scratch repository holding specs/001-team-invites
--   SPECLS_NVIM_PLUGIN  editors/nvim
-- Every check runs even after a failure; exit code 0 only if all pass.

local TIMEOUT = 20000 -- ms, for each wait

local failures, passes = {}, 0
local broken = false

-- Client methods take `:` from Neovim 0.11 on, `.` before.
local function call(client, method, ...)
  if vim.fn.has('nvim-0.11') == 1 then
    return client[method](client, ...)
  end
  return client[method](...)
end
local function out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end
local function check(name, ok, detail)
  if ok then
    passes = passes + 1
    out('ok   ' .. name)
  else
    table.insert(failures, name)
    out('FAIL ' .. name)
    if detail then
      out('     ' .. tostring(detail):gsub('\n', '\n     '))
    end
  end
  return ok
end

local function finish()
  out(('\nneovim: %d passed, %d failed%s'):format(
    passes,
    #failures,
    #failures > 0 and (': ' .. table.concat(failures, '; ')) or ''
  ))
  -- Stop the server politely (shutdown + exit) before leaving.
  for _, client in ipairs(require('specls').clients()) do
    call(client, 'stop')
  end
  vim.wait(3000, function()
    return #require('specls').clients() == 0
  end, 50)
  -- 1: checks failed (each printed with what was received); 2: the client
  -- never came up, or the script broke (the runner then shows the LSP log).
  vim.cmd(#failures == 0 and 'qall!' or (broken and 'cquit 2' or 'cquit 1'))
end

local ok, err = xpcall(function()
  local bin = assert(os.getenv('SPECLS_BIN'), 'SPECLS_BIN is not set')
  local workspace = assert(os.getenv('SPECLS_WORKSPACE'), 'SPECLS_WORKSPACE is not set')
  local plugin = assert(os.getenv('SPECLS_NVIM_PLUGIN'), 'SPECLS_NVIM_PLUGIN is not set')
  out('neovim ' .. tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch
    .. ', server ' .. bin)

  vim.opt.runtimepath:prepend(plugin)
  vim.cmd('runtime plugin/specls.lua')
  vim.lsp.set_log_level('debug')

  local exit_code
  require('specls').setup({
    cmd = { bin },
    -- Client settings reach the server: this rule must not be reported.
    settings = { specls = { rules = { ['missing-file-path'] = 'off' } } },
    on_exit = function(code)
      exit_code = code
    end,
  })

  local tasks = workspace .. '/specs/001-team-invites/tasks.md'
  vim.cmd('edit ' .. vim.fn.fnameescape(tasks))
  local bufnr = vim.api.nvim_get_current_buf()
  check('tasks.md has filetype markdown', vim.bo[bufnr].filetype == 'markdown', vim.bo[bufnr].filetype)

  local client
  vim.wait(TIMEOUT, function()
    client = require('specls').clients(bufnr)[1]
    return (client ~= nil and client.initialized == true) or exit_code ~= nil
  end, 50)
  local why = exit_code ~= nil and ('the server exited with code ' .. exit_code)
    or ('no initialized specls client after ' .. TIMEOUT .. ' ms')
  if not check('specls attached and initialized', client ~= nil and client.initialized and exit_code == nil,
      why .. '; see the LSP log') then
    broken = true
    return
  end
  check('root_dir is the folder holding specs/', client.config.root_dir == workspace,
    ('root_dir %s, expected %s'):format(tostring(client.config.root_dir), workspace))
  check('commands are defined', vim.fn.exists(':SpeclsRenumberTasks') == 2 and vim.fn.exists(':SpeclsGraph') == 2
    and vim.fn.exists(':SpeclsNextTasks') == 2 and vim.fn.exists(':SpeclsRestart') == 2)

  -- Diagnostics ------------------------------------------------------
  local function by_code(code)
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == code then
        return d
      end
    end
  end
  local function codes()
    local list = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      table.insert(list, ('%s@%d:%d'):format(tostring(d.code), d.lnum + 1, d.col + 1))
    end
    table.sort(list)
    return table.concat(list, ', ')
  end
  vim.wait(TIMEOUT, function()
    return by_code('duplicate-task-id') ~= nil and by_code('unknown-task-reference') ~= nil
  end, 50)
  local received = 'received: [' .. codes() .. ']'

  local duplicate = by_code('duplicate-task-id')
  check('duplicate-task-id on tasks.md 41:7-11, error',
    duplicate and duplicate.lnum == 40 and duplicate.col == 6 and duplicate.end_col == 10
      and duplicate.severity == vim.diagnostic.severity.ERROR
      and duplicate.message:find('T010', 1, true) ~= nil,
    duplicate and vim.inspect(duplicate, { newline = ' ', indent = '' }) or received)
  local unknown = by_code('unknown-task-reference')
  check('unknown-task-reference for T099 on 42:82',
    unknown and unknown.lnum == 41 and unknown.col == 81 and unknown.message:find('T099', 1, true) ~= nil,
    unknown and vim.inspect(unknown, { newline = ' ', indent = '' }) or received)
  local conflict = by_code('parallel-file-conflict')
  check('parallel-file-conflict on T006 [P], 22:12', conflict and conflict.lnum == 21 and conflict.col == 11,
    conflict and vim.inspect(conflict, { newline = ' ', indent = '' }) or received)
  check('settings applied: missing-file-path is off', by_code('missing-file-path') == nil
    and by_code('malformed-task') ~= nil, received)

  -- Hover on the task ID T010 (line 40) --------------------------------
  local function request(method, params)
    local response, done = nil, false
    call(client, 'request', method, params, function(e, result)
      response, done = { err = e, result = result }, true
    end, bufnr)
    vim.wait(TIMEOUT, function()
      return done
    end, 20)
    return response
  end
  local function describe(response)
    if not response then
      return 'no answer within ' .. TIMEOUT .. ' ms'
    end
    if response.err then
      return ('error %s: %s'):format(tostring(response.err.code), tostring(response.err.message))
    end
    return vim.inspect(response.result)
  end
  local uri = vim.uri_from_bufnr(bufnr)
  local line40 = vim.api.nvim_buf_get_lines(bufnr, 39, 40, false)[1]
  check('line 40 is the first T010', line40:find('^%- %[ %] T010 ') ~= nil, line40)
  local hover = request('textDocument/hover', {
    textDocument = { uri = uri },
    position = { line = 39, character = 7 },
  })
  local contents = hover and hover.result and hover.result.contents
  local advertised = client.server_capabilities.hoverProvider and 'hoverProvider advertised'
    or 'hoverProvider not advertised'
  check('hover on T010 is markdown with its description',
    type(contents) == 'table' and contents.kind == 'markdown'
      and contents.value:find('Implement POST /api/workspaces/{workspaceId}/invitations', 1, true) ~= nil,
    advertised .. '; ' .. describe(hover))

  -- Code lenses run client-side ----------------------------------------
  local lenses = request('textDocument/codeLens', { textDocument = { uri = uri } })
  local ready_lens
  for _, lens in ipairs(lenses and lenses.result or {}) do
    if lens.command and lens.command.command == 'specls.nextTasks' then
      ready_lens = lens
    end
  end
  if check('tasks.md has a "ready" lens running specls.nextTasks', ready_lens ~= nil, describe(lenses)) then
    local handler = vim.lsp.commands['specls.nextTasks']
    check('the lens command is handled client-side', type(handler) == 'function', tostring(handler))
    local picked
    local select = vim.ui.select
    vim.ui.select = function(items)
      picked = items
    end
    if type(handler) == 'function' then
      handler(ready_lens.command, { bufnr = bufnr, client_id = client.id })
      vim.wait(TIMEOUT, function()
        return picked ~= nil
      end, 20)
    end
    vim.ui.select = select
    check('a lens click offers the ready tasks in vim.ui.select',
      type(picked) == 'table' and #picked > 0 and type(picked[1].id) == 'string' and picked[1].id:match('^T%d+') ~= nil,
      vim.inspect(picked))
    check('the graph lens command is handled client-side', type(vim.lsp.commands['specls.showGraph']) == 'function')
  end

  -- Code actions -------------------------------------------------------
  local function actions_for(diagnostic)
    local lsp = vim.tbl_extend('force', diagnostic.user_data and diagnostic.user_data.lsp or {}, {
      range = {
        start = { line = diagnostic.lnum, character = diagnostic.col },
        ['end'] = { line = diagnostic.end_lnum, character = diagnostic.end_col },
      },
      severity = diagnostic.severity,
      message = diagnostic.message,
      source = diagnostic.source,
      code = diagnostic.code,
    })
    return request('textDocument/codeAction', {
      textDocument = { uri = uri },
      range = lsp.range,
      context = { diagnostics = { lsp } },
    })
  end
  local function titled(response, title)
    for _, action in ipairs(response and response.result or {}) do
      if action.title == title then
        return action
      end
    end
  end
  local advertised_actions = client.server_capabilities.codeActionProvider and 'codeActionProvider advertised'
    or 'codeActionProvider not advertised'

  if conflict then
    local response = actions_for(conflict)
    check('code action "Drop [P] from T006" for parallel-file-conflict',
      titled(response, 'Drop [P] from T006') ~= nil, advertised_actions .. '; ' .. describe(response))
  end

  if duplicate then
    local response = actions_for(duplicate)
    local use = titled(response, 'Use T011')
    if use and not use.edit and client.server_capabilities.codeActionProvider
      and type(client.server_capabilities.codeActionProvider) == 'table'
      and client.server_capabilities.codeActionProvider.resolveProvider then
      local resolved = request('codeAction/resolve', use)
      use = resolved and resolved.result or use
    end
    if check('code action "Use T011" for duplicate-task-id, with an edit', use ~= nil and use.edit ~= nil,
        advertised_actions .. '; ' .. describe(response)) then
      vim.lsp.util.apply_workspace_edit(use.edit, client.offset_encoding)
      local line41 = vim.api.nvim_buf_get_lines(bufnr, 40, 41, false)[1]
      check('the fix renames the second T010 to T011', line41:find('^%- %[ %] T011 %[US1%] Implement GET') ~= nil,
        line41)
      -- Neovim sends the edit as didChange; the server re-publishes.
      vim.wait(TIMEOUT, function()
        return by_code('duplicate-task-id') == nil
      end, 50)
      check('after the fix, duplicate-task-id is gone and the rest stays',
        by_code('duplicate-task-id') == nil and by_code('unknown-task-reference') ~= nil,
        'received: [' .. codes() .. ']')
    end
  end

  -- Shutdown -----------------------------------------------------------
  call(client, 'stop')
  vim.wait(TIMEOUT, function()
    return exit_code ~= nil
  end, 50)
  check('the server exits with code 0 after shutdown', exit_code == 0, 'exit code ' .. tostring(exit_code))
end, debug.traceback)

if not ok then
  broken = true
  check('test script ran to the end', false, err)
end
finish()
