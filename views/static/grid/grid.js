/* The meeting grid (會議快速編輯): every edited cell is saved through the server, one at a time.
 *
 * The page gives us its URLs, the CSRF token and the translated messages in data-* attributes of
 * #meeting-grid (the Content-Security-Policy allows no inline script). The server answers each save
 * with the record's new version and its refreshed row, or with {error} and 400/403/409.
 */
(function () {
  "use strict";

  var el = document.getElementById("meeting-grid");
  if (!el || typeof Tabulator === "undefined") {
    return;
  }

  var M = JSON.parse(el.dataset.messages);
  var state = {
    csrf: el.dataset.csrf,
    canEdit: el.dataset.canEdit === "true",
    table: el.dataset.table,
    columns: {},        // field → column spec from the server
    errors: {},         // "id:field" → message of the refused save shown in that cell
    queue: Promise.resolve(),
    lastSave: null,
  };
  var statusEl = document.getElementById("grid-status");
  var staleEl = document.getElementById("grid-stale");
  var staleTextEl = document.getElementById("grid-stale-text");
  var undoButton = document.getElementById("grid-undo");
  var table = null;

  function format(template, n) {
    return template.replace("%(n)s", String(n));
  }

  function setStatus(text, kind) {
    statusEl.textContent = text;
    statusEl.className = "grid-status mt-2" + (kind ? " grid-status-" + kind : "");
  }

  function showStale(message) {
    staleTextEl.textContent = message;
    staleEl.classList.remove("d-none");
  }

  function errorKey(id, field) {
    return id + ":" + field;
  }

  // Display ---------------------------------------------------------------------------------------
  function groupDigits(value) {
    var text = value === null || value === undefined ? "" : String(value);
    var match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
    if (!match) {
      return text;
    }
    return match[1] + match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (match[3] || "");
  }

  function displayText(spec, value) {
    if (spec.type === "tick") {
      return value === true ? "✔" : (value === false ? "✘" : "");
    }
    if (spec.type === "number") {
      return groupDigits(value);
    }
    return value === null || value === undefined ? "" : String(value);
  }

  function markError(cell) {
    var element = cell.getElement();
    var message = state.errors[errorKey(cell.getRow().getData().id, cell.getField())];
    element.classList.toggle("grid-cell-error", Boolean(message));
    if (message) {
      element.title = message;
    } else if (element.title) {
      element.removeAttribute("title");
    }
  }

  // Every cell is drawn here, so a refused save stays red even after the grid redraws the row.
  function formatter(spec) {
    return function (cell) {
      markError(cell);
      if (spec.type === "tick") {
        cell.getElement().classList.toggle("grid-tick-yes", cell.getValue() === true);
        cell.getElement().classList.toggle("grid-tick-no", cell.getValue() === false);
      }
      return document.createTextNode(displayText(spec, cell.getValue()));
    };
  }

  function columnDefinition(spec) {
    var editable = state.canEdit && spec.editable;
    var definition = {
      title: spec.title,
      field: spec.field,
      headerTooltip: spec.title,
      headerSort: false,
      formatter: formatter(spec),
      cssClass: editable ? "grid-editable" : "grid-readonly",
      minWidth: 80,
    };
    if (spec.type === "number" || spec.type === "integer") {
      definition.hozAlign = "right";
    }
    if (spec.type === "tick") {
      definition.hozAlign = "center";
    }
    if (!editable) {
      return definition;
    }
    switch (spec.type) {
      case "list":
        definition.editor = "list";
        definition.editorParams = {
          values: (spec.nullable ? [""] : []).concat(spec.values),
          autocomplete: true, listOnEmpty: true, allowEmpty: Boolean(spec.nullable), freetext: true,
        };
        break;
      case "tick":
        definition.editor = "tickCross";
        break;
      case "date":
        // a text box, not <input type=date>: Chromium's date box mangles typed dates (2011-08-17 → 10817-02-01)
        definition.editor = "input";
        definition.editorParams = {selectContents: true,
                                   elementAttributes: {placeholder: "YYYY-MM-DD", maxlength: "10"}};
        break;
      case "textarea":
        definition.editor = "textarea";
        definition.editorParams = {selectContents: true, verticalNavigation: "editor"};
        break;
      case "number":
      case "integer":
        // text, not <input type=number>: money must stay exact (no float) and the server parses it
        definition.editor = "input";
        definition.editorParams = {selectContents: true, elementAttributes: {inputmode: "decimal"}};
        break;
      default:
        definition.editor = "input";
        definition.editorParams = {selectContents: true};
    }
    return definition;
  }

  // Saving -----------------------------------------------------------------------------------------
  function post(payload) {
    return fetch(el.dataset.cellUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": state.csrf},
      body: JSON.stringify(payload),
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || type.indexOf("application/json") === -1) {  // sent to the login page
        return {status: 401, body: {error: M.expired}};
      }
      return response.json().then(function (body) {
        return {status: response.status, body: body};
      });
    });
  }

  // A server row replaces the shown one, except cells still showing a refused value of their own.
  function applyRow(row, serverRow) {
    var update = {};
    Object.keys(serverRow).forEach(function (field) {
      if (!state.errors[errorKey(serverRow.id, field)]) {
        update[field] = serverRow[field];
      }
    });
    return row.update(update);
  }

  function saveNow(cell, done) {
    var row = cell.getRow();
    var data = row.getData();
    var field = cell.getField();
    var spec = state.columns[field];
    var value = cell.getValue();
    var key = errorKey(data.id, field);
    var payload = {table: state.table, id: data.id, version: data.version, field: field,
                   value: value === undefined ? null : value};
    cell.getElement().classList.add("grid-cell-saving");
    setStatus(M.saving);
    return post(payload).then(function (result) {
      var body = result.body || {};
      if (body.csrf) {
        state.csrf = body.csrf;
      }
      cell.getElement().classList.remove("grid-cell-saving");
      if (result.status === 200) {
        delete state.errors[key];
        applyRow(row, body.row);
        markError(cell);
        setStatus(done + "：" + spec.title + " → " + (displayText(spec, body.row[field]) || M.blank), "ok");
        return true;
      }
      var message = body.error || ("HTTP " + result.status);
      state.errors[key] = message;
      markError(cell);
      setStatus(spec.title + " " + M.failed + message, "error");
      if (result.status === 409) {
        showStale(M.stale + "：" + message);
      }
      return false;
    }, function () {
      cell.getElement().classList.remove("grid-cell-saving");
      state.errors[key] = M.network;
      markError(cell);
      setStatus(M.network, "error");
      return false;
    });
  }

  // Saves run one after another, each reading the row's version when it starts: two quick edits of
  // one row must not both claim the same version.
  function enqueueSave(cell, done) {
    state.queue = state.queue.then(function () {
      return saveNow(cell, done || M.saved);
    });
    state.lastSave = state.queue;
    refreshUndo();
    return state.queue;
  }

  function refreshUndo() {
    if (undoButton) {
      undoButton.disabled = !table || table.getHistoryUndoSize() === 0;
    }
  }

  // Set cells one by one, each saved before the next; stop at the first refusal.
  function setCellsInTurn(cells, values) {
    var done = 0;
    var index = 0;
    function next() {
      if (index >= cells.length) {
        setStatus(format(M.pasted, done), "ok");
        return Promise.resolve(true);
      }
      var cell = cells[index];
      var value = values[index];
      index += 1;
      state.lastSave = null;
      cell.setValue(value);  // fires cellEdited → enqueueSave, and is recorded for undo
      var saved = state.lastSave || Promise.resolve(true);
      return saved.then(function (ok) {
        if (!ok) {
          setStatus(format(M.pasteStopped, index) + " " + statusEl.textContent, "error");
          return false;
        }
        done += 1;
        return next();
      });
    }
    return next();
  }

  function pastedValue(spec, text) {
    var value = text.replace(/\r$/, "");
    if (spec.type === "number" || spec.type === "integer") {
      return value.replace(/[,\s]/g, "");  // Excel copies 1,000,000 as it shows it
    }
    if (spec.type === "date") {
      return value.trim().replace(/\//g, "-");  // Excel shows 2011/8/17
    }
    if (spec.type === "list") {
      return value.trim();
    }
    return value;  // booleans are read by the server (是/否, TRUE/FALSE, 1/0)
  }

  // Clipboard: the parser keeps the pasted text as rows of cells; the action saves them cell by cell
  // from the top-left of the selected range down (and right, for several pasted columns).
  function pasteParser(clipboard) {
    var text = clipboard.replace(/\r\n/g, "\n").replace(/\n$/, "");
    if (!text.length) {
      return false;
    }
    return {lines: text.split("\n").map(function (line) { return line.split("\t"); })};
  }

  function pasteAction(parsed) {
    var ranges = table.getRanges();
    if (!state.canEdit || !ranges.length) {
      return [];
    }
    var start = ranges[0].getStructuredCells()[0][0];
    var columns = table.getColumns().filter(function (column) { return column.isVisible(); });
    var firstColumn = columns.indexOf(start.getColumn());
    var row = start.getRow();
    var cells = [];
    var values = [];
    parsed.lines.forEach(function (line) {
      if (!row) {
        return;
      }
      line.forEach(function (text, offset) {
        var column = columns[firstColumn + offset];
        var spec = column && state.columns[column.getField()];
        if (spec && spec.editable) {
          cells.push(row.getCell(column));
          values.push(pastedValue(spec, text));
        }
      });
      row = row.getNextRow();
    });
    setCellsInTurn(cells, values);
    return [];
  }

  // Keyboard: typing starts an edit like a spreadsheet; Enter and Tab save and move on. ----------------
  function activeCell() {
    var ranges = table.getRanges();
    if (!ranges.length) {
      return null;
    }
    var cells = ranges[0].getStructuredCells();
    return cells.length && cells[0].length ? cells[0][0] : null;
  }

  function moveTo(cell) {
    var ranges = table.getRanges();
    if (cell && ranges.length) {
      ranges[0].setBounds(cell);
      cell.getElement().focus({preventScroll: false});
    }
  }

  function neighbour(cell, direction) {
    if (!cell) {
      return null;
    }
    if (direction === "down") {
      var below = cell.getRow().getNextRow();
      return below ? below.getCell(cell.getColumn()) : null;
    }
    var columns = table.getColumns().filter(function (column) { return column.isVisible(); });
    var index = columns.indexOf(cell.getColumn()) + (direction === "left" ? -1 : 1);
    return index >= 0 && index < columns.length ? cell.getRow().getCell(columns[index]) : null;
  }

  function isEditing() {
    return Boolean(el.querySelector(".tabulator-editing"));
  }

  function editable(cell) {
    var spec = cell && state.columns[cell.getField()];
    return Boolean(state.canEdit && spec && spec.editable);
  }

  // A choice typed in part (「實核」, "ntd") becomes the first allowed value containing it, as the
  // list shows; text matching none is sent as typed and the server refuses it with the form's message.
  function completeChoice(cell, input) {
    var spec = cell && state.columns[cell.getField()];
    var typed = input.value.trim().toLowerCase();
    if (!spec || spec.type !== "list" || !typed || spec.values.indexOf(input.value) !== -1) {
      return;
    }
    var match = spec.values.filter(function (value) { return value.toLowerCase().indexOf(typed) !== -1; })[0];
    if (match) {
      input.value = match;
    }
  }

  function onKeyDown(event) {
    var target = event.target;
    var inEditor = /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
    if (inEditor && (event.key === "Enter" || event.key === "Tab") && !event.altKey && !event.ctrlKey) {
      if (event.key === "Enter" && target.tagName === "TEXTAREA" && event.shiftKey) {
        return;  // a new line inside a note
      }
      var cell = activeCell();
      var direction = event.key === "Enter" ? "down" : (event.shiftKey ? "left" : "right");
      completeChoice(cell, target);
      if (event.key === "Tab" || target.tagName === "TEXTAREA") {
        event.preventDefault();
        target.blur();  // the editors save on blur
      }
      window.setTimeout(function () {
        if (!isEditing()) {
          moveTo(neighbour(cell, direction));
        }
      }, 0);
      return;
    }
    if (inEditor || isEditing() || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) {
      return;
    }
    var current = activeCell();
    if (event.key === "Tab") {
      event.preventDefault();
      moveTo(neighbour(current, event.shiftKey ? "left" : "right"));
      return;
    }
    if (event.key === "Delete" || event.key === "Backspace") {
      var cells = table.getRanges().length ? table.getRanges()[0].getCells().filter(editable) : [];
      if (cells.length) {
        event.preventDefault();
        setCellsInTurn(cells, cells.map(function () { return null; }));
      }
      return;
    }
    if (event.key === " " && editable(current) && state.columns[current.getField()].type === "tick") {
      event.preventDefault();
      current.setValue(current.getValue() !== true);  // space ticks and unticks, saved at once
      return;
    }
    // A printable key (or an input method starting) opens the editor and, as focus moves into it
    // during this keydown, the character lands there, replacing the selected old value.
    if (editable(current) && (event.key.length === 1 || event.key === "Process" || event.key === "F2")) {
      if (event.key === "F2") {
        event.preventDefault();
      }
      current.edit(true);
      var editor = document.activeElement;
      if (editor && editor.tagName === "INPUT" && /^(text|search)$/.test(editor.type)) {
        editor.select();  // the list editor does not select its old value by itself
      }
    }
  }

  // Loading --------------------------------------------------------------------------------------
  function load() {
    staleEl.classList.add("d-none");
    setStatus("");
    return fetch(el.dataset.dataUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.redirected || type.indexOf("application/json") === -1) {
          throw new Error(M.expired);
        }
        return response.json();
      })
      .then(function (body) {
        state.csrf = body.csrf || state.csrf;
        state.canEdit = state.canEdit && body.can_edit;
        state.errors = {};
        state.columns = {};
        body.columns.forEach(function (spec) { state.columns[spec.field] = spec; });
        if (!table) {
          build(body);
        } else {
          table.replaceData(body.rows);
          table.clearHistory();
          refreshUndo();
        }
        if (body.truncated) {
          setStatus(format(M.truncated, body.limit), "error");
        } else if (!state.canEdit) {
          setStatus(M.readOnly);
        }
      })
      .catch(function (error) {
        setStatus(error.message || M.network, "error");
      });
  }

  function build(body) {
    table = new Tabulator(el, {
      data: body.rows,
      index: "id",
      columns: body.columns.map(columnDefinition),
      layout: "fitDataStretch",
      maxHeight: "65vh",
      placeholder: M.empty,
      history: true,
      selectableRange: 1,
      selectableRangeColumns: false,
      selectableRangeRows: false,
      editTriggerEvent: "dblclick",
      editorEmptyValue: null,
      clipboard: true,
      clipboardCopyStyled: false,
      clipboardCopyConfig: {rowHeaders: false, columnHeaders: false},
      clipboardCopyRowRange: "range",
      clipboardPasteParser: pasteParser,
      clipboardPasteAction: pasteAction,
    });
    table.on("cellEdited", function (cell) {
      if (editable(cell)) {
        enqueueSave(cell);
      }
    });
    // Undo and redo put back a value in the grid; the server must get it too.
    table.on("historyUndo", function (action, component) {
      if (action === "cellEdit") {
        enqueueSave(component, M.undone);
      }
    });
    table.on("historyRedo", function (action, component) {
      if (action === "cellEdit") {
        enqueueSave(component);
      }
    });
    el.addEventListener("keydown", onKeyDown, true);
  }

  if (undoButton) {
    undoButton.addEventListener("click", function () {
      if (table && table.getHistoryUndoSize() > 0) {
        table.undo();
      } else {
        setStatus(M.nothingToUndo);
      }
      refreshUndo();
    });
  }
  document.getElementById("grid-reload").addEventListener("click", load);
  document.getElementById("grid-stale-reload").addEventListener("click", load);
  load();
}());
