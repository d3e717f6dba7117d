-- specls for Neovim 0.11+: with this directory on 'runtimepath',
--
--   vim.lsp.enable('specls')
--
-- starts specls for markdown buffers. Override any field with
-- vim.lsp.config('specls', { ... }) before enabling, e.g. the settings:
--
--   vim.lsp.config('specls', {
--     settings = { specls = { rules = { ['missing-file-path'] = 'off' } } },
--   })
--
-- The `specls` settings are the same in every editor (see
-- editors/README.md): diagnostics.trigger, rules, logLevel, configPath.

---@type vim.lsp.Config
return {
  -- `specls` with no arguments serves LSP over stdio (`specls serve --stdio`).
  cmd = { 'specls' },
  filetypes = { 'markdown' },
  -- The repository root: the folder holding specs/ (or the git root).
  root_markers = { 'specs', '.git' },
  settings = {
    specls = {
      diagnostics = { trigger = 'edit' }, -- 'edit' | 'save'
      rules = vim.empty_dict(), -- { ['rule-code'] = 'error' | 'warning' | 'info' | 'hint' | 'off' }
      logLevel = 'info', -- 'error' | 'warn' | 'info' | 'debug'
      configPath = '', -- a specls.toml for every feature; '': each one's nearest
    },
  },
  -- Also send the settings as initializationOptions, so that the first
  -- diagnostics already honour them whatever the client's capabilities.
  before_init = function(params, config)
    params.initializationOptions = { specls = (config.settings or {}).specls }
  end,
}
