;;; test-specls.el --- Emacs + Eglot against the built specls  -*- lexical-binding: t; -*-

;; Run by tests/editors/emacs/run:
;;   emacs --batch -l tests/editors/emacs/test-specls.el
;; with SPECLS_BIN (the server), SPECLS_WORKSPACE (a scratch repository
;; holding specs/001-team-invites) and SPECLS_EMACS_DIR (editors/emacs).
;;
;; Opens tasks.md the way a user does (find-file -> markdown-mode ->
;; specls-eglot-ensure -> eglot-ensure), then checks the Flymake
;; diagnostics Eglot received: codes, positions, severities, and that the
;; `specls-rules' setting reached the server.  Every check runs; the exit
;; code is 0 only if all pass.

;;; Code:

(require 'cl-lib)
(require 'subr-x)

(defconst specls-test-timeout 30 "Seconds to wait for each step.")
(defvar specls-test-failures nil)
(defvar specls-test-passes 0)

(defun specls-test-out (format-string &rest args)
  (princ (concat (apply #'format format-string args) "\n")))

(defun specls-test-check (name ok &optional detail)
  (if ok
      (progn (cl-incf specls-test-passes) (specls-test-out "ok   %s" name))
    (push name specls-test-failures)
    (specls-test-out "FAIL %s" name)
    (when detail (specls-test-out "     %s" (replace-regexp-in-string "\n" "\n     " detail))))
  ok)

(defun specls-test-wait (predicate)
  "Run the event loop (process output, timers) until PREDICATE or the timeout."
  (let ((deadline (+ (float-time) specls-test-timeout)) result)
    (while (and (not (setq result (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    result))

(defun specls-test-diagnostics ()
  "Flymake's diagnostics of the current buffer, as (CODE LINE COLUMN TYPE TEXT)."
  (mapcar (lambda (d)
            (let ((text (flymake-diagnostic-text d)))
              (save-excursion
                (goto-char (flymake-diagnostic-beg d))
                (list (and (string-match "\\[\\([a-z-]+\\)\\]" text) (match-string 1 text))
                      (line-number-at-pos) (current-column) (flymake-diagnostic-type d) text))))
          (flymake-diagnostics)))

(defun specls-test-find (code)
  (assoc code (specls-test-diagnostics)))

(defun specls-test-received ()
  (format "received: %S" (mapcar (lambda (d) (format "%s@%d:%d" (nth 0 d) (nth 1 d) (1+ (nth 2 d))))
                                 (specls-test-diagnostics))))

(defvar specls-test-server nil)

(defun specls-test-dump-events ()
  "The tail of Eglot's events and stderr buffers, to see what went wrong."
  (when specls-test-server
    (dolist (buffer (list (ignore-errors (jsonrpc-events-buffer specls-test-server))
                          (ignore-errors (jsonrpc-stderr-buffer specls-test-server))))
      (when (buffer-live-p buffer)
        (with-current-buffer buffer
          (specls-test-out "--- tail of %s:" (buffer-name))
          (specls-test-out "%s" (buffer-substring-no-properties
                                 (max (point-min) (- (point-max) 3000)) (point-max))))))))

(cl-defun specls-test-run ()
  (let* ((bin (or (getenv "SPECLS_BIN") (error "SPECLS_BIN is not set")))
         (workspace (or (getenv "SPECLS_WORKSPACE") (error "SPECLS_WORKSPACE is not set")))
         (dir (or (getenv "SPECLS_EMACS_DIR") (error "SPECLS_EMACS_DIR is not set")))
         (tasks (expand-file-name "specs/001-team-invites/tasks.md" workspace)))
    (add-to-list 'load-path dir)
    (require 'markdown-mode)
    (require 'specls)
    (specls-test-out "emacs %s, %s, server %s" emacs-version
                     (file-name-nondirectory (directory-file-name (file-name-directory (locate-library "eglot"))))
                     bin)
    (setq specls-path bin
          ;; Client settings reach the server: this rule must not be reported.
          specls-rules '(("missing-file-path" . "off"))
          eglot-sync-connect specls-test-timeout)
    (specls-setup)
    (specls-test-check "eglot-server-programs starts with the specls entry"
                       (eq (cdar eglot-server-programs) #'specls--contact)
                       (format "%S" (car eglot-server-programs)))

    (find-file tasks)
    (specls-test-check "tasks.md opens in markdown-mode" (derived-mode-p 'markdown-mode) (symbol-name major-mode))
    ;; eglot-ensure connects from post-command-hook, after the command
    ;; that visited the file; in batch no command loop runs it.
    (run-hooks 'post-command-hook)
    (setq specls-test-server (specls-test-wait #'eglot-current-server))
    (unless (specls-test-check "eglot connected to specls" specls-test-server
                               "no server for tasks.md (see *Messages* above)")
      (cl-return-from specls-test-run))
    (specls-test-check "the server was started from specls-path"
                       (equal (car (process-command (jsonrpc--process specls-test-server))) bin)
                       (format "%S" (process-command (jsonrpc--process specls-test-server))))
    (let ((sent (json-serialize (specls-workspace-configuration specls-test-server))))
      (specls-test-check "the workspace configuration has the specls section"
                         (equal sent (json-serialize (list :specls (specls-settings))))
                         sent))

    ;; Diagnostics through Flymake.  Flymake asks Eglot's backend when it
    ;; starts; keep starting it until the server's report has arrived.
    (specls-test-wait (lambda ()
                        (flymake-start)
                        (and (specls-test-find "duplicate-task-id") (specls-test-find "unknown-task-reference"))))
    (let ((received (specls-test-received))
          (duplicate (specls-test-find "duplicate-task-id"))
          (unknown (specls-test-find "unknown-task-reference"))
          (conflict (specls-test-find "parallel-file-conflict")))
      (specls-test-check "duplicate-task-id on tasks.md 41:7, an error"
                         (and duplicate (equal (nth 1 duplicate) 41) (equal (nth 2 duplicate) 6)
                              (eq (nth 3 duplicate) 'eglot-error)
                              (string-match-p "T010 is already used on line 40" (nth 4 duplicate)))
                         (if duplicate (format "%S" duplicate) received))
      (specls-test-check "unknown-task-reference for T099 on 42:82"
                         (and unknown (equal (nth 1 unknown) 42) (equal (nth 2 unknown) 81)
                              (string-match-p "T099" (nth 4 unknown)))
                         (if unknown (format "%S" unknown) received))
      (specls-test-check "parallel-file-conflict on 22:12"
                         (and conflict (equal (nth 1 conflict) 22) (equal (nth 2 conflict) 11))
                         (if conflict (format "%S" conflict) received))
      (specls-test-check "settings applied: missing-file-path is off, malformed-task still reported"
                         (and (not (specls-test-find "missing-file-path")) (specls-test-find "malformed-task"))
                         received))

    ;; The server's commands run through Eglot (a code action's or a
    ;; lens's) show their answer: a ready task is offered and visited.
    (let* ((offered nil)
           (completing-read-function (lambda (_prompt collection &rest _)
                                       (setq offered (all-completions "" collection))
                                       (car offered)))
           (arguments (vector (list :uri (specls--uri)))))
      (save-window-excursion
        (save-current-buffer
          (eglot-execute-command specls-test-server 'specls.nextTasks arguments)
          (specls-test-check "specls.nextTasks through Eglot offers the ready tasks and visits one"
                             (and offered (string-match-p "\\`T[0-9]+" (car offered))
                                  (string-match-p "tasks\\.md\\'" (or (buffer-file-name) ""))
                                  (looking-at-p (regexp-quote (car (split-string (car offered))))))
                             (format "offered %S, at %S in %S" offered (point) (buffer-file-name)))))
      (save-window-excursion
        (eglot-execute-command specls-test-server 'specls.showGraph arguments)
        (specls-test-check "specls.showGraph through Eglot shows the Mermaid graph"
                           (with-current-buffer "*specls graph*"
                             (string-match-p "\\`\\(?:---\\|%%\\|flowchart\\|graph\\)" (buffer-string)))
                           (with-current-buffer "*specls graph*" (buffer-substring-no-properties 1 (min 80 (point-max)))))))

    ;; An edit: rename the second T010 to T011; the server re-checks.
    (goto-char (point-min))
    (forward-line 40)
    (forward-char 6)
    (delete-char 4)
    (insert "T011")
    ;; Eglot sends didChange from an idle timer, which batch mode never
    ;; runs; saving flushes it (didChange, then didSave), as a user would.
    (save-buffer)
    (specls-test-wait (lambda ()
                        (flymake-start)
                        (and (not (specls-test-find "duplicate-task-id")) (specls-test-find "unknown-task-reference"))))
    (specls-test-check "after renaming the second T010, duplicate-task-id is gone"
                       (and (not (specls-test-find "duplicate-task-id")) (specls-test-find "unknown-task-reference"))
                       (specls-test-received))
    (set-buffer-modified-p nil)

    (when specls-test-failures (specls-test-dump-events))
    ;; Shutdown + exit, and the server ends by itself with code 0.  (Not
    ;; eglot-shutdown: Emacs 28's jsonrpc kills the process right after
    ;; sending exit, before it can end on its own.)
    (let ((process (jsonrpc--process specls-test-server))
          (answered (condition-case err
                        (progn (setf (eglot--shutdown-requested specls-test-server) t)
                               (jsonrpc-request specls-test-server :shutdown nil :timeout specls-test-timeout)
                               t)
                      (error (format "%S" err)))))
      (specls-test-check "the server answers shutdown" (eq answered t) answered)
      (jsonrpc-notify specls-test-server :exit nil)
      (specls-test-wait (lambda () (not (process-live-p process))))
      (specls-test-check "the server exits with code 0 after shutdown and exit"
                         (and (not (process-live-p process)) (eq (process-exit-status process) 0))
                         (format "status %s, exit code %s" (process-status process) (process-exit-status process)))
      (ignore-errors (jsonrpc-shutdown specls-test-server t))
      (setq specls-test-server nil))))

(let ((ok (condition-case err
              (progn (specls-test-run) t)
            (error (specls-test-check "test script ran to the end" nil (format "%S" err)) nil))))
  (unless ok (specls-test-dump-events))
  (specls-test-out "\nemacs: %d passed, %d failed%s" specls-test-passes (length specls-test-failures)
                   (if specls-test-failures
                       (concat ": " (mapconcat #'identity (reverse specls-test-failures) "; "))
                     ""))
  (kill-emacs (if specls-test-failures 1 0)))

;;; test-specls.el ends here
