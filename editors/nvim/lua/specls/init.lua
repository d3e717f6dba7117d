-- specls for Neovim: require('specls').setup({ ... }).
--
-- Neovim 0.11+: setup() hands the options to vim.lsp.config('specls', ...)
-- (merged over lsp/specls.lua) and calls vim.lsp.enable('specls').
-- Neovim 0.8-0.10: setup() starts specls with vim.lsp.start() for each
-- markdown buffer, with the defaults of lsp/specls.lua.
-- Neovim 0.7 (Debian 12's): the same through vim.lsp.start_client() and
-- vim.lsp.buf_attach_client(), which is what the tests drive.
--
-- Commands (plugin/specls.lua): :SpeclsRestart, :SpeclsRenumberTasks,
-- :SpeclsGraph, :SpeclsNextTasks.

local M = {}

local has_011 = vim.fn.has('nvim-0.11') == 1

--- The defaults, read from lsp/specls.lua beside this plugin.
function M.defaults()
  local here = debug.getinfo(1, 'S').source:sub(2)
  local root = vim.fn.fnamemodify(here, ':p:h:h:h')
  return dofile(root .. '/lsp/specls.lua')
end

--- The options of the last setup(): defaults merged with the user's.
M.config = nil

--- The folder of `path` nearest to it that holds one of `markers`
--- (vim.fs.root semantics), else the file's folder.
local function find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  local start = dir
  while true do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return start
    end
    dir = parent
  end
end

-- Neovim 0.7 only: one client per root.
local started = {}

--- Start (or reuse) specls for `bufnr`. Returns the client id.
function M.start(bufnr, config)
  config = config or M.config or M.defaults()
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == '' or vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local root = find_root(path, config.root_markers or { 'specs', '.git' })
  local lsp_config = vim.tbl_extend('force', {}, config, {
    name = 'specls',
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
  })
  lsp_config.filetypes = nil
  lsp_config.root_markers = nil
  if vim.lsp.start then
    return vim.lsp.start(lsp_config, { bufnr = bufnr })
  end
  local id = started[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(lsp_config)
    if not id then
      vim.notify('specls: could not start ' .. table.concat(config.cmd, ' '), vim.log.levels.ERROR)
      return nil
    end
    started[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Set specls up for markdown buffers. `opts` is merged over the defaults
--- of lsp/specls.lua (cmd, filetypes, root_markers, settings, ...).
function M.setup(opts)
  opts = opts or {}
  M.config = vim.tbl_deep_extend('force', M.defaults(), opts)
  if has_011 and vim.lsp.config and vim.lsp.enable then
    -- lsp/specls.lua is found on 'runtimepath'; only the overrides are needed.
    vim.lsp.config('specls', opts)
    vim.lsp.enable('specls')
    M.enabled = true
    return
  end
  local group = vim.api.nvim_create_augroup('specls', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.start(args.buf, M.config)
    end,
  })
  -- Buffers opened before setup().
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype) then
      M.start(bufnr, M.config)
    end
  end
end

--- The specls clients (attached to `bufnr` when given).
function M.clients(bufnr)
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  local found = {}
  for _, client in pairs(all) do
    if client.name == 'specls' and (bufnr == nil or vim.lsp.buf_is_attached(bufnr, client.id)) then
      table.insert(found, client)
    end
  end
  return found
end

-- Client methods are called with `:` from Neovim 0.11 on, with `.` before.
local function call(client, method, ...)
  if has_011 then
    return client[method](client, ...)
  end
  return client[method](...)
end

--- workspace/executeCommand `command` for `target` (a code lens's
--- `{ bufnr, arguments }`; default: the current buffer's URI);
--- `on_result(result, client)` on success.
local function execute(command, on_result, target)
  local bufnr = target and target.bufnr or vim.api.nvim_get_current_buf()
  local client = M.clients(bufnr)[1]
  if not client then
    vim.notify('specls: no specls server is attached to this buffer', vim.log.levels.WARN)
    return
  end
  local arguments = target and target.arguments or { vim.uri_from_bufnr(bufnr) }
  local params = { command = command, arguments = arguments }
  call(client, 'request', 'workspace/executeCommand', params, function(err, result)
    if err then
      vim.notify(('specls: %s failed: %s'):format(command, err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    on_result(result, client)
  end, bufnr)
end

--- Stop the specls clients and start them again for the open buffers.
function M.restart()
  local clients = M.clients()
  local buffers = {}
  for _, client in ipairs(clients) do
    if client.attached_buffers then
      for bufnr in pairs(client.attached_buffers) do
        buffers[bufnr] = true
      end
    else
      for _, bufnr in ipairs(vim.lsp.get_buffers_by_client_id(client.id)) do
        buffers[bufnr] = true
      end
    end
    call(client, 'stop')
  end
  vim.wait(3000, function()
    for _, client in ipairs(clients) do
      if not call(client, 'is_stopped') then
        return false
      end
    end
    return true
  end, 50)
  started = {}
  for bufnr in pairs(buffers) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      -- Neovim 0.11+ with vim.lsp.enable('specls'): its FileType handler
      -- attaches again; otherwise start as setup() does.
      local ok = M.enabled
        and pcall(vim.api.nvim_exec_autocmds, 'FileType', { group = 'nvim.lsp.enable', buffer = bufnr })
      if not ok then
        M.start(bufnr)
      end
    end
  end
end

--- Renumber the tasks of the feature: the server applies the edit
--- (workspace/applyEdit) or returns it.
function M.renumber_tasks()
  execute('specls.renumberTasks', function(result, client)
    if type(result) == 'table' and (result.changes or result.documentChanges) then
      vim.lsp.util.apply_workspace_edit(result, client.offset_encoding)
    end
  end)
end

--- The dependency graph as Mermaid text, in a scratch buffer.
function M.show_graph(target)
  execute('specls.showGraph', function(result)
    local text = type(result) == 'table' and (result.mermaid or result.graph or result.text) or result
    if type(text) ~= 'string' or text == '' then
      vim.notify('specls: the server returned no graph', vim.log.levels.WARN)
      return
    end
    vim.cmd('vnew')
    local bufnr = vim.api.nvim_get_current_buf()
    vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, vim.split(text, '\n', { plain = true }))
    vim.bo[bufnr].buftype = 'nofile'
    vim.bo[bufnr].bufhidden = 'wipe'
    vim.bo[bufnr].filetype = 'mermaid'
    pcall(vim.api.nvim_buf_set_name, bufnr, 'specls://graph')
  end, target)
end

--- The tasks ready to start, in vim.ui.select; jumps to the chosen one.
function M.next_tasks(target)
  local origin = vim.api.nvim_buf_get_name(target and target.bufnr or 0)
  execute('specls.nextTasks', function(result)
    local list = result
    if type(list) == 'table' and not (vim.islist or vim.tbl_islist)(list) then
      list = list.ready or list.tasks or list.items
    end
    if type(list) ~= 'table' or #list == 0 then
      vim.notify('specls: no task is ready', vim.log.levels.INFO)
      return
    end
    local items = {}
    for _, entry in ipairs(list) do
      if type(entry) == 'string' then
        local id, rest = entry:match('^%s*(%S+)%s*(.*)$')
        table.insert(items, { id = id, description = rest })
      elseif type(entry) == 'table' and type(entry[1]) == 'string' then
        table.insert(items, { id = entry[1], description = entry[2] or '' })
      elseif type(entry) == 'table' and entry.id then
        local location = entry.location or entry
        table.insert(items, {
          id = entry.id,
          description = entry.description or entry.title or entry.text or '',
          uri = location.uri,
          range = location.range,
        })
      end
    end
    vim.ui.select(items, {
      prompt = 'Next tasks (ready to start)',
      format_item = function(item)
        return item.id .. '  ' .. item.description
      end,
    }, function(item)
      if not item then
        return
      end
      if item.uri and item.range then
        vim.cmd('edit ' .. vim.fn.fnameescape(vim.uri_to_fname(item.uri)))
        vim.api.nvim_win_set_cursor(0, { item.range.start.line + 1, item.range.start.character })
        return
      end
      local dir = vim.fn.fnamemodify(origin, ':p:h')
      if vim.fn.fnamemodify(dir, ':t') == 'contracts' then
        dir = vim.fn.fnamemodify(dir, ':h')
      end
      vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/tasks.md'))
      vim.fn.search('\\<' .. item.id:gsub('%.', '\\.') .. '\\>', 'w')
    end)
  end, target)
end

--- Code lens commands run client-side (vim.lsp.commands): the server's
--- answer to specls.nextTasks and specls.showGraph is data to show, which
--- Neovim would drop if it sent the command on by itself. A lens click
--- (vim.lsp.codelens.run()) now picks a ready task or opens the graph.
function M.register_lens_commands()
  local function target(command, ctx)
    return { bufnr = ctx and ctx.bufnr or vim.api.nvim_get_current_buf(), arguments = command.arguments }
  end
  vim.lsp.commands['specls.nextTasks'] = function(command, ctx)
    M.next_tasks(target(command, ctx))
  end
  vim.lsp.commands['specls.showGraph'] = function(command, ctx)
    M.show_graph(target(command, ctx))
  end
end

return M
