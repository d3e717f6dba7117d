-- specls user commands (Neovim 0.7+). Starting the server is up to you:
-- vim.lsp.enable('specls') on 0.11+, or require('specls').setup() on any
-- version (see editors/nvim/README.md).
if vim.g.loaded_specls then
  return
end
vim.g.loaded_specls = true

local commands = {
  SpeclsRestart = { 'restart', 'Restart the specls language server' },
  SpeclsRenumberTasks = { 'renumber_tasks', 'Renumber the tasks of this feature (specls.renumberTasks)' },
  SpeclsGraph = { 'show_graph', 'Show the task dependency graph as Mermaid (specls.showGraph)' },
  SpeclsNextTasks = { 'next_tasks', 'Pick a task that is ready to start (specls.nextTasks)' },
}
for name, command in pairs(commands) do
  vim.api.nvim_create_user_command(name, function()
    require('specls')[command[1]]()
  end, { desc = command[2] })
end

-- Lens clicks on "N tasks ready" and the graph lens show their result.
require('specls').register_lens_commands()
