;;; specls.el --- Eglot setup for specls, the Spec Kit language server  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1") (eglot "1.9"))
;; Keywords: languages, tools
;; SPDX-License-Identifier: MIT

;;; Commentary:

;; specls checks GitHub Spec Kit feature folders (specs/NNN-feature/ with
;; spec.md, plan.md, tasks.md, contracts/).  This file tells Eglot how to
;; start it for markdown files under a specs/ folder and passes the
;; `specls' settings every specls client sends:
;;
;;   (require 'specls)
;;   (setq specls-rules '(("missing-file-path" . "off")))
;;   (specls-setup)
;;
;; `specls-setup' adds an `eglot-server-programs' entry for markdown-mode
;; and gfm-mode (markdown files outside specs/ fall through to the next
;; entry, e.g. marksman), starts Eglot in markdown buffers under specs/,
;; and adds the `specls' section to `eglot-workspace-configuration'
;; (keeping whatever is already there).  Diagnostics appear through
;; Flymake.  See editors/emacs/README.md.

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'seq)
(require 'subr-x)

(defgroup specls nil
  "specls, the language server for Spec Kit feature folders."
  :group 'tools
  :prefix "specls-")

(defcustom specls-path nil
  "The specls executable (the `specls.path' setting of other editors).
nil or \"\": \"specls\" found on `exec-path'."
  :type '(choice (const :tag "specls on exec-path" nil) (file :tag "Executable")))

(defcustom specls-diagnostics-trigger "edit"
  "When specls re-checks a feature folder: \"edit\" or \"save\"."
  :type '(choice (const "edit") (const "save")))

(defcustom specls-rules nil
  "Severity of rules by code, merged over the feature's specls.toml.
An alist of (CODE . SEVERITY), SEVERITY one of \"error\", \"warning\",
\"info\", \"hint\" or \"off\"; `specls rules' lists the codes."
  :type '(alist :key-type (string :tag "Rule code")
                :value-type (choice (const "error") (const "warning") (const "info")
                                    (const "hint") (const "off"))))

(defcustom specls-log-level "info"
  "How much the server logs (in the Eglot events buffer).
One of \"error\", \"warn\", \"info\" or \"debug\"."
  :type '(choice (const "error") (const "warn") (const "info") (const "debug")))

(defcustom specls-config-path ""
  "The specls.toml every feature uses, like `specls check --config'.
Empty: each feature's nearest specls.toml. A relative path is taken from
the first workspace folder."
  :type '(choice (const :tag "The nearest specls.toml" "") (file :tag "Configuration file")))

(defconst specls-major-modes '(markdown-mode gfm-mode)
  "The major modes specls serves (under a specs/ folder).")

(defun specls-settings ()
  "The `specls' settings section as a plist (JSON object)."
  (let ((rules (make-hash-table :test #'equal)))
    (dolist (rule specls-rules)
      (puthash (car rule) (cdr rule) rules))
    (list :diagnostics (list :trigger specls-diagnostics-trigger)
          :rules rules
          :logLevel specls-log-level
          :configPath specls-config-path)))

(defun specls-buffer-p (&optional buffer)
  "Non-nil when BUFFER visits a file under a specs/ folder.
BUFFER defaults to the current buffer."
  (when-let ((file (buffer-file-name (or buffer (current-buffer)))))
    (member "specs" (split-string (file-name-directory (expand-file-name file)) "/" t))))

(defun specls--program ()
  "The command to run: `specls-path', else \"specls\"."
  (cond ((or (null specls-path) (string-empty-p specls-path)) "specls")
        ((string-match-p "/" specls-path) (expand-file-name specls-path))
        (t specls-path)))

;;;; eglot-server-programs

(defun specls--mode-key-matches (key mode)
  "Non-nil when an `eglot-server-programs' KEY names major MODE."
  (cond ((symbolp key) (eq key mode))
        ((and (consp key) (keywordp (cadr key))) (eq (car key) mode)) ; (MODE :language-id ID)
        ((consp key) (seq-some (lambda (k) (specls--mode-key-matches k mode)) key))))

(defun specls--contact (&optional interactive)
  "The Eglot contact for the current buffer: specls under specs/.
Elsewhere, the next `eglot-server-programs' entry for the major mode
\(e.g. marksman); INTERACTIVE is passed to it when it is a function."
  (if (specls-buffer-p)
      (list (specls--program) "serve" "--stdio"
            ;; The first diagnostics already honour the settings.
            :initializationOptions (lambda (_server) (list :specls (specls-settings))))
    (let* ((ours (seq-position eglot-server-programs #'specls--contact
                               (lambda (entry contact) (eq (cdr entry) contact))))
           (rest (and ours (nthcdr (1+ ours) eglot-server-programs)))
           (next (cdr (seq-find (lambda (entry) (specls--mode-key-matches (car entry) major-mode)) rest))))
      (cond ((functionp next) (funcall next interactive))
            (next)
            (t (user-error "specls serves markdown files under a specs/ folder, and %s is not in one"
                           (buffer-name)))))))

;;;; eglot-workspace-configuration

(defvar specls--other-workspace-configuration nil
  "The value `eglot-workspace-configuration' had before `specls-setup'.")

(defun specls--as-plist (configuration)
  "CONFIGURATION (plist, or alist of (SECTION . VALUE)) as a plist."
  (if (consp (car-safe configuration))
      (cl-loop for (section . value) in configuration
               collect (if (keywordp section) section (intern (format ":%s" section)))
               collect value)
    configuration))

(defun specls-workspace-configuration (server)
  "`eglot-workspace-configuration' with the `:specls' section added.
The previous value (a plist, an alist or a function of SERVER) is kept;
a `:specls' section already in it wins over the specls-* variables."
  (let* ((other specls--other-workspace-configuration)
         (plist (specls--as-plist (if (functionp other) (funcall other server) other))))
    (if (plist-member plist :specls)
        plist
      (append plist (list :specls (specls-settings))))))

;;;; Setup

(defun specls-eglot-ensure ()
  "Start Eglot (specls) when the current buffer is under a specs/ folder."
  (when (specls-buffer-p)
    (eglot-ensure)))

;;;###autoload
(defun specls-setup ()
  "Use specls through Eglot for markdown files under specs/ folders."
  (interactive)
  (setq eglot-server-programs
        (cons (cons specls-major-modes #'specls--contact)
              (seq-remove (lambda (entry) (eq (cdr entry) #'specls--contact)) eglot-server-programs)))
  (let ((current (default-value 'eglot-workspace-configuration)))
    (unless (eq current #'specls-workspace-configuration)
      (setq specls--other-workspace-configuration current)
      (setq-default eglot-workspace-configuration #'specls-workspace-configuration)))
  (dolist (mode specls-major-modes)
    (add-hook (intern (format "%s-hook" mode)) #'specls-eglot-ensure)))

;;;; Commands

(defun specls--server ()
  "The Eglot server of the current buffer, or an error."
  (or (eglot-current-server)
      (user-error "No specls server for this buffer (is it under specs/? M-x eglot)")))

(defun specls--uri ()
  "The current buffer's file as a URI."
  (funcall (if (fboundp 'eglot-path-to-uri) 'eglot-path-to-uri 'eglot--path-to-uri)
           (buffer-file-name)))

(defun specls--execute (command)
  "Run the server's COMMAND on the current document; return its result."
  (unless (buffer-file-name) (user-error "This buffer visits no file"))
  (jsonrpc-request (specls--server) :workspace/executeCommand
                   (list :command command :arguments (vector (specls--uri)))))

(defun specls-renumber-tasks ()
  "Renumber the tasks of this feature (the server's specls.renumberTasks)."
  (interactive)
  (let ((result (specls--execute "specls.renumberTasks")))
    ;; The server applies the edit itself (workspace/applyEdit) or returns it.
    (when (and (listp result) (or (plist-get result :changes) (plist-get result :documentChanges)))
      (condition-case nil
          (eglot--apply-workspace-edit result)
        (wrong-number-of-arguments (eglot--apply-workspace-edit result 'specls))))))

(defun specls-show-graph ()
  "Show the task dependency graph as Mermaid text (specls.showGraph)."
  (interactive)
  (specls--show-graph (specls--execute "specls.showGraph")))

(defun specls--show-graph (result)
  "Show the graph of a specls.showGraph RESULT in *specls graph*."
  (let ((text (if (stringp result) result (or (plist-get result :mermaid) (plist-get result :graph)))))
    (unless (and (stringp text) (not (string-empty-p text)))
      (user-error "specls returned no graph"))
    (with-current-buffer (get-buffer-create "*specls graph*")
      (let ((inhibit-read-only t))
        (erase-buffer)
        (insert text))
      (when (fboundp 'mermaid-mode) (funcall 'mermaid-mode))
      (goto-char (point-min))
      (pop-to-buffer (current-buffer)))))

(defun specls--task-items (result)
  "The ready tasks of a specls.nextTasks RESULT as (LABEL . PLIST)."
  (let ((list (if (and (listp result) (keywordp (car-safe result)))
                  (or (plist-get result :ready) (plist-get result :tasks))
                result)))
    (delq nil
          (mapcar (lambda (entry)
                    (cond ((stringp entry)
                           (cons entry (list :id (car (split-string entry)))))
                          ((and (vectorp entry) (stringp (aref entry 0))) ; [id, description]
                           (cons (string-trim (mapconcat #'identity entry "  "))
                                 (list :id (aref entry 0))))
                          ((plist-get entry :id)
                           (cons (string-trim (format "%s  %s" (plist-get entry :id)
                                                      (or (plist-get entry :description)
                                                          (plist-get entry :title) "")))
                                 entry))))
                  (append list nil)))))

(defun specls-next-tasks ()
  "Pick a task that is ready to start (specls.nextTasks) and go to it."
  (interactive)
  (specls--pick-next-task (specls--execute "specls.nextTasks") (buffer-file-name)))

(defun specls--pick-next-task (result origin)
  "Pick one of the ready tasks of a specls.nextTasks RESULT and go to it.
ORIGIN is the file the command was run from (its feature's tasks.md is
where a task without a location is looked up)."
  (let ((items (specls--task-items result)))
    (unless items (user-error "No task is ready"))
    (let* ((task (cdr (assoc (completing-read "Next task: " items nil t) items)))
           (location (or (plist-get task :location) task))
           (uri (plist-get location :uri))
           (start (plist-get (plist-get location :range) :start)))
      (if (and uri start)
          (progn
            (find-file (funcall (if (fboundp 'eglot-uri-to-path) 'eglot-uri-to-path 'eglot--uri-to-path) uri))
            (goto-char (point-min))
            (forward-line (plist-get start :line))
            (forward-char (plist-get start :character)))
        (let ((dir (file-name-directory origin)))
          (when (equal (file-name-nondirectory (directory-file-name dir)) "contracts")
            (setq dir (file-name-directory (directory-file-name dir))))
          (find-file (expand-file-name "tasks.md" dir))
          (goto-char (point-min))
          (re-search-forward (concat "\\_<" (regexp-quote (plist-get task :id)) "\\_>") nil t))))))

;;;; The server's commands run through Eglot (code actions, lenses)

;; Eglot sends a command it runs to the server and drops the answer.  For
;; these two the answer is what the user asked to see, so show it.
(cl-defmethod eglot-execute-command (server (_command (eql 'specls.nextTasks)) arguments)
  "Run specls.nextTasks on SERVER with ARGUMENTS and pick a ready task."
  (specls--pick-next-task
   (jsonrpc-request server :workspace/executeCommand (list :command "specls.nextTasks" :arguments arguments))
   (buffer-file-name)))

(cl-defmethod eglot-execute-command (server (_command (eql 'specls.showGraph)) arguments)
  "Run specls.showGraph on SERVER with ARGUMENTS and show the graph."
  (specls--show-graph
   (jsonrpc-request server :workspace/executeCommand (list :command "specls.showGraph" :arguments arguments))))

(defun specls-restart ()
  "Restart the specls server of this buffer."
  (interactive)
  (eglot-reconnect (specls--server)))

(provide 'specls)
;;; specls.el ends here
