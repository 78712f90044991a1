<?cs include:"header.cs" ?>
<?cs def:rfield(c) ?><?cs if:c.input == "textarea" ?><textarea name="<?cs var:c.field ?>" id="f-<?cs var:c.key ?>" rows="<?cs var:c.rows ?>"<?cs if:c.maxlength ?> maxlength="<?cs var:c.maxlength ?>"<?cs /if ?> aria-label="<?cs var:c.name ?>"<?cs if:c.err ?> aria-invalid="true" aria-describedby="err-<?cs var:c.key ?>"<?cs /if ?>><?cs var:c.iv ?></textarea><?cs
 elif:c.input == "select" ?><select name="<?cs var:c.field ?>" id="f-<?cs var:c.key ?>" aria-label="<?cs var:c.name ?>"<?cs if:c.err ?> aria-invalid="true" aria-describedby="err-<?cs var:c.key ?>"<?cs /if ?>><option value=""></option><?cs each:it = c.items ?><option value="<?cs var:it.v ?>"<?cs if:it.sel == "1" ?> selected<?cs /if ?>><?cs var:it.l ?></option><?cs /each ?></select><?cs
 elif:c.input == "multi" ?><div class="checks" role="group" aria-label="<?cs var:c.name ?>" id="f-<?cs var:c.key ?>"><?cs each:it = c.items ?><label class="check"><input type="checkbox" name="<?cs var:c.field ?>" value="<?cs var:it.v ?>"<?cs if:it.sel == "1" ?> checked<?cs /if ?>> <?cs var:it.l ?></label><?cs /each ?></div><?cs
 elif:c.input == "check" ?><label class="check"><input type="checkbox" name="<?cs var:c.field ?>" value="1" id="f-<?cs var:c.key ?>" aria-label="<?cs var:c.name ?>"<?cs if:c.iv == "1" ?> checked<?cs /if ?>> ✓</label><?cs
 else ?><input name="<?cs var:c.field ?>" id="f-<?cs var:c.key ?>" value="<?cs var:c.iv ?>" aria-label="<?cs var:c.name ?>"<?cs
   if:c.input == "date" ?> type="date"<?cs elif:c.input == "time" ?> type="time"<?cs if:c.step ?> step="1"<?cs /if ?><?cs elif:c.input == "number" ?> inputmode="decimal" class="num"<?cs /if ?><?cs
   if:c.maxlength ?> maxlength="<?cs var:c.maxlength ?>"<?cs /if ?><?cs if:c.err ?> aria-invalid="true" aria-describedby="err-<?cs var:c.key ?>"<?cs /if ?>><?cs
 /if ?><?cs if:c.unit ?> <span class="unit"><?cs var:c.unit ?></span><?cs /if ?><?cs /def ?>
<section class="card" id="report-head">
  <div class="titlebar"><h1 id="report-name"><?cs var:R.name ?></h1>
    <div class="actions">
      <?cs if:Can.copy ?><form method="post" action="/<?cs var:Tenant.code ?>/manager/reports/<?cs var:R.id ?>/copy" class="inline"><?cs call:csrf() ?><button type="submit" id="copy-report"><?cs var:L.report.copy ?></button></form><?cs /if ?>
      <a class="button" href="#values-card" id="to-values"><?cs if:Can.edit ?><?cs var:L.report.edit_values ?><?cs else ?><?cs var:L.report.values ?><?cs /if ?></a>
      <a class="button" href="/<?cs var:Tenant.code ?>/manager/reports" id="back-to-list"><?cs var:L.report.back ?></a>
    </div></div>
  <?cs if:Alert ?><div class="alert" role="alert" id="report-alert"><p><?cs var:Alert ?></p></div><?cs /if ?>
  <?cs if:Stale ?><div class="alert" role="alert" id="report-stale"><p><?cs var:L.report.stale ?></p></div><?cs /if ?>
  <?cs call:errlist() ?>
  <dl class="facts">
    <dt><?cs var:L.reports.number ?></dt><dd id="report-number"><?cs if:R.number ?><?cs var:R.number ?><?cs else ?>—<?cs /if ?></dd>
    <dt><?cs var:L.reports.status ?></dt><dd><span class="badge rs-<?cs var:R.status ?>" id="report-status"><?cs var:L.rstatus[R.status] ?></span></dd>
    <dt><?cs var:L.reports.definition ?></dt><dd><?cs if:Perm.definitions_view ?><a href="/<?cs var:Tenant.code ?>/manager/definitions/<?cs var:R.definition_id ?>?revision=<?cs var:R.definition_revision ?>"><?cs var:R.definition_name ?></a><?cs else ?><?cs var:R.definition_name ?><?cs /if ?> <span class="help">(<?cs var:L.defs.revision ?> <?cs var:R.definition_revision ?>)</span></dd>
    <dt><?cs var:L.report.created ?></dt><dd><?cs var:R.creator ?> <span class="help"><time><?cs var:R.created ?></time></span></dd>
    <dt><?cs var:L.report.updated ?></dt><dd><?cs var:R.updater ?> <span class="help"><time><?cs var:R.updated ?></time> · <?cs var:L.report.rev ?> <?cs var:R.rev ?></span></dd>
    <?cs each:x = Remarks ?><dt><?cs if:x.name ?><?cs var:x.name ?><?cs else ?><?cs var:L.report.remarks_n ?> <?cs var:x.no ?><?cs /if ?></dt><dd id="remarks-<?cs var:x.no ?>" class="prewrap"><?cs if:x.value ?><?cs var:x.value ?><?cs else ?>—<?cs /if ?></dd>
    <?cs /each ?><?cs each:x = SystemKeys ?><dt><?cs var:L.report.system_key_n ?> <?cs var:x.no ?></dt><dd id="system-key-<?cs var:x.no ?>"><code><?cs var:x.value ?></code></dd>
    <?cs /each ?><dt><?cs var:L.report.download ?></dt><dd class="downloads">
      <a class="button" href="/<?cs var:Tenant.code ?>/manager/reports/<?cs var:R.id ?>/pdf" id="download-pdf" download><?cs var:L.report.download_pdf ?></a>
      <a class="button" href="/<?cs var:Tenant.code ?>/manager/reports/<?cs var:R.id ?>/xlsx" id="download-xlsx" download><?cs var:L.report.download_xlsx ?></a>
      <a class="button" href="/<?cs var:Tenant.code ?>/manager/reports/<?cs var:R.id ?>/xml" id="download-xml" download><?cs var:L.report.download_xml ?></a>
      <details class="pdf-options"><summary><?cs var:L.report.download_pdf ?>: <?cs var:L.report.download_pages ?> · <?cs var:L.report.download_history ?></summary>
        <form method="get" action="/<?cs var:Tenant.code ?>/manager/reports/<?cs var:R.id ?>/pdf" id="pdf-form" class="row">
          <label for="pdf-pages"><?cs var:L.report.download_pages ?></label>
          <input id="pdf-pages" name="pages" size="8" inputmode="numeric" pattern="[0-9]*-?[0-9]*" placeholder="1-2" aria-describedby="pdf-pages-help">
          <label class="check"><input type="checkbox" name="history" value="1" id="pdf-history"> <?cs var:L.report.download_history ?></label>
          <button type="submit" id="download-pdf-options"><?cs var:L.report.download_pdf ?></button>
          <span class="help" id="pdf-pages-help"><?cs var:L.report.download_pages_help ?></span>
        </form>
      </details></dd>
  </dl>
</section>
<?cs if:subcount(RemarkForm) ?>
<section class="card" id="remarks-card">
  <details<?cs if:ErrorList.0 || Stale ?> open<?cs /if ?>><summary><?cs var:L.report.remarks_edit ?></summary>
    <form method="post" action="/<?cs var:Tenant.code ?>/manager/reports/<?cs var:R.id ?>/remarks" id="remarks-form" class="stack wide"><?cs call:csrf() ?>
      <input type="hidden" name="rev" value="<?cs var:R.rev ?>">
      <p class="help"><?cs var:L.report.remarks_help ?></p>
      <?cs each:x = RemarkForm ?>
      <label for="f-remarks<?cs var:x.no ?>"><?cs if:x.name ?><?cs var:x.name ?><?cs else ?><?cs var:L.report.remarks_n ?> <?cs var:x.no ?><?cs /if ?></label>
      <textarea id="f-remarks<?cs var:x.no ?>" name="remarks<?cs var:x.no ?>" rows="2" maxlength="<?cs var:RemarkMax ?>"<?cs if:x.err ?> aria-invalid="true" aria-describedby="err-remarks<?cs var:x.no ?>"<?cs /if ?>><?cs var:x.v ?></textarea>
      <?cs if:x.err ?><p class="ferr" id="err-remarks<?cs var:x.no ?>"><?cs var:x.err ?></p><?cs /if ?>
      <?cs /each ?>
      <p><button type="submit" class="primary" id="save-remarks"><?cs var:L.report.remarks_save ?></button></p>
    </form>
  </details>
</section>
<?cs /if ?>
<?cs each:sh = Sheets ?>
<section class="card sheet-card">
  <h2><?cs var:L.report.sheet ?> <?cs var:sh.no ?>: <?cs var:sh.name ?></h2>
  <div class="sheet-wrap">
  <svg class="sheet report<?cs if:sh.background == "1" ?> bgd<?cs /if ?>" id="sheet-<?cs var:sh.no ?>" viewBox="0 0 <?cs var:sh.width ?> <?cs var:sh.height ?>" role="img" aria-label="<?cs var:L.report.layout ?> <?cs var:sh.no ?>: <?cs var:sh.name ?>">
    <rect class="paper" x="0" y="0" width="<?cs var:sh.width ?>" height="<?cs var:sh.height ?>"/>
    <?cs if:sh.background == "1" ?><image href="/<?cs var:Tenant.code ?>/manager/definitions/<?cs var:R.definition_id ?>/revisions/<?cs var:R.definition_revision ?>/sheets/<?cs var:sh.no ?>/background" x="0" y="0" width="<?cs var:sh.width ?>" height="<?cs var:sh.height ?>" preserveAspectRatio="none"/><?cs /if ?>
    <?cs each:c = sh.clusters ?><?cs if:c.label ?>
    <g class="v k-fixed"><text class="val fixed" font-size="<?cs var:c.fs ?>" text-anchor="<?cs var:c.anchor ?>"><?cs each:l = c.lines ?><tspan x="<?cs var:c.tx ?>" y="<?cs var:l.y ?>"><?cs var:l.t ?></tspan><?cs /each ?></text></g>
    <?cs else ?>
    <a href="#c-<?cs var:c.key ?>" class="v k-<?cs var:c.kind ?> t-<?cs var:c.type ?><?cs if:c.oon ?> oon<?cs /if ?>" id="v-<?cs var:c.key ?>">
      <title><?cs var:c.name ?>: <?cs if:c.value ?><?cs var:c.value ?><?cs else ?>—<?cs /if ?><?cs if:c.oon ?> (<?cs var:L.report.out_of_normal ?>)<?cs /if ?></title>
      <rect class="box" x="<?cs var:c.x ?>" y="<?cs var:c.y ?>" width="<?cs var:c.w ?>" height="<?cs var:c.h ?>"/>
      <?cs if:c.cap ?><text class="cap" x="<?cs var:c.capx ?>" y="<?cs var:c.capy ?>" font-size="<?cs var:c.capfs ?>"<?cs if:c.capw ?> textLength="<?cs var:c.capw ?>" lengthAdjust="spacingAndGlyphs"<?cs /if ?>><?cs var:c.name ?></text><?cs /if ?>
      <?cs if:c.kind == "text" ?><text class="val" font-size="<?cs var:c.fs ?>" text-anchor="<?cs var:c.anchor ?>"><?cs each:l = c.lines ?><tspan x="<?cs var:c.tx ?>" y="<?cs var:l.y ?>"<?cs if:c.tl ?> textLength="<?cs var:c.tl ?>" lengthAdjust="spacingAndGlyphs"<?cs /if ?>><?cs var:l.t ?></tspan><?cs /each ?></text>
      <?cs elif:c.kind == "check" ?><text class="val chk" x="<?cs var:c.tx ?>" y="<?cs var:c.ty ?>" font-size="<?cs var:c.fs ?>" text-anchor="middle">✓</text>
      <?cs elif:c.kind == "image" ?><image href="<?cs var:c.href ?>" x="<?cs var:c.x ?>" y="<?cs var:c.y ?>" width="<?cs var:c.w ?>" height="<?cs var:c.h ?>" preserveAspectRatio="xMidYMid meet"/>
      <?cs elif:c.kind == "stamp" ?><g class="stamp" transform="rotate(-6 <?cs var:c.cx ?> <?cs var:c.cy ?>)">
        <circle cx="<?cs var:c.cx ?>" cy="<?cs var:c.cy ?>" r="<?cs var:c.r ?>" stroke-width="<?cs var:c.sw ?>"/>
        <line x1="<?cs var:c.bx1 ?>" y1="<?cs var:c.by1 ?>" x2="<?cs var:c.bx2 ?>" y2="<?cs var:c.by1 ?>" stroke-width="<?cs var:c.sw ?>"/>
        <line x1="<?cs var:c.bx1 ?>" y1="<?cs var:c.by2 ?>" x2="<?cs var:c.bx2 ?>" y2="<?cs var:c.by2 ?>" stroke-width="<?cs var:c.sw ?>"/>
        <text class="st-role" x="<?cs var:c.cx ?>" y="<?cs var:c.roley ?>" font-size="<?cs var:c.rolefs ?>" text-anchor="middle"<?cs if:c.rolew ?> textLength="<?cs var:c.rolew ?>" lengthAdjust="spacingAndGlyphs"<?cs /if ?>><?cs var:c.role ?></text>
        <text class="st-date" x="<?cs var:c.cx ?>" y="<?cs var:c.datey ?>" font-size="<?cs var:c.datefs ?>" text-anchor="middle"<?cs if:c.datew ?> textLength="<?cs var:c.datew ?>" lengthAdjust="spacingAndGlyphs"<?cs /if ?>><?cs var:c.date ?></text>
        <text class="st-name" x="<?cs var:c.cx ?>" y="<?cs var:c.namey ?>" font-size="<?cs var:c.namefs ?>" text-anchor="middle"<?cs if:c.namew ?> textLength="<?cs var:c.namew ?>" lengthAdjust="spacingAndGlyphs"<?cs /if ?>><?cs var:c.signer ?></text>
      </g>
      <?cs elif:c.kind == "slot" ?><circle class="slot" cx="<?cs var:c.cx ?>" cy="<?cs var:c.cy ?>" r="<?cs var:c.r ?>"/>
      <?cs /if ?>
    </a>
    <?cs /if ?><?cs /each ?>
  </svg>
  </div>
</section>
<?cs /each ?>
<section class="card" id="values-card">
  <h2><?cs var:L.report.values ?></h2>
  <?cs if:Can.edit ?><form method="post" action="/<?cs var:Tenant.code ?>/manager/reports/<?cs var:R.id ?>" id="values-form"><?cs call:csrf() ?><input type="hidden" name="rev" value="<?cs var:R.rev ?>"><?cs /if ?>
  <table class="list small values" id="values">
    <thead><tr><th><?cs var:L.report.sheet ?></th><th><?cs var:L.report.cname ?></th><th><?cs var:L.report.ctype ?></th><th><?cs var:L.report.value ?></th><th class="nowrap"><?cs var:L.report.edited_by ?></th><th class="nowrap"><?cs var:L.report.edited_at ?></th></tr></thead>
    <?cs each:sh = Sheets ?><tbody>
      <tr class="sheetrow"><th colspan="6" scope="rowgroup"><?cs var:L.report.sheet ?> <?cs var:sh.no ?>: <?cs var:sh.name ?></th></tr>
      <?cs each:c = sh.clusters ?><?cs if:!c.label ?>
      <tr id="c-<?cs var:c.key ?>" class="<?cs if:c.oon ?>oon<?cs /if ?><?cs if:c.err ?> has-err<?cs /if ?>">
        <td><?cs var:sh.no ?></td><th scope="row"><?cs var:c.name ?></th><td><?cs alt:L.ctype[c.type] ?><?cs var:c.type ?><?cs /alt ?></td>
        <td class="value"><?cs if:c.input ?><?cs call:rfield(c) ?><?cs
          elif:c.href ?><a href="<?cs var:c.href ?>"><img class="thumb" src="<?cs var:c.href ?>" alt="<?cs var:c.name ?>"></a><?cs
          else ?><span class="pre"><?cs var:c.value ?></span><?cs /if ?>
          <?cs if:c.oon ?><span class="badge oon" id="oon-<?cs var:c.key ?>"><?cs var:L.report.out_of_normal ?><?cs if:c.normal ?> · <?cs var:L.report.normal_range ?> <?cs var:c.normal ?><?cs /if ?></span><?cs /if ?>
          <?cs if:c.mine ?><p class="mine"><?cs var:L.report.your_input ?>: <?cs var:c.mine ?></p><?cs /if ?>
          <?cs if:c.err ?><p class="ferr" id="err-<?cs var:c.key ?>"><?cs var:c.err ?></p><?cs /if ?></td>
        <td><?cs var:c.by ?></td><td class="nowrap"><time><?cs var:c.at ?></time></td></tr>
      <?cs /if ?><?cs /each ?>
    </tbody><?cs /each ?>
  </table>
  <?cs if:Can.edit ?><p class="formfoot"><button type="submit" class="primary" id="save-values"><?cs var:L.report.save ?></button> <span class="help"><?cs var:L.report.save_help ?></span></p></form><?cs /if ?>
</section>
<?cs if:subcount(Stages) ?>
<section class="card" id="approval">
  <h2><?cs var:L.report.approval ?></h2>
  <ol class="stages" id="stages"><?cs each:s = Stages ?>
    <li class="sg<?cs if:s.state ?> sg-<?cs var:s.state ?><?cs /if ?>"><span class="sgno"><?cs var:s.no ?></span> <span class="sgname"><?cs var:s.name ?></span>
      <?cs if:s.state ?><span class="badge sgstate"><?cs var:L.stagestate[s.state] ?></span><?cs /if ?></li><?cs /each ?>
  </ol>
  <?cs if:Can.approve ?>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/reports/<?cs var:R.id ?>/approvals" id="approve-form" class="stack wide"><?cs call:csrf() ?>
    <input type="hidden" name="rev" value="<?cs var:R.rev ?>"><input type="hidden" name="stage" value="<?cs var:R.stage ?>">
    <label for="approval-comment"><?cs var:L.report.comment ?> <span class="help">(<?cs var:Can.stage_name ?>)</span></label>
    <textarea id="approval-comment" name="comment" rows="3" maxlength="1000"></textarea>
    <div class="row"><button type="submit" name="action" value="approve" class="primary" id="approve"><?cs var:L.report.approve ?></button>
      <button type="submit" name="action" value="reject" class="danger" id="reject"><?cs var:L.report.reject ?></button></div>
  </form>
  <?cs /if ?>
  <?cs if:Can.apply ?>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/reports/<?cs var:R.id ?>/approvals" id="apply-form" class="row formfoot"><?cs call:csrf() ?>
    <input type="hidden" name="rev" value="<?cs var:R.rev ?>"><input type="hidden" name="stage" value="1">
    <button type="submit" name="action" value="apply" class="primary" id="apply"><?cs var:L.report.apply ?></button></form>
  <?cs /if ?>
  <?cs if:Can.withdraw ?>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/reports/<?cs var:R.id ?>/approvals" id="withdraw-form" class="row formfoot"><?cs call:csrf() ?>
    <input type="hidden" name="rev" value="<?cs var:R.rev ?>"><input type="hidden" name="stage" value="<?cs var:R.stage ?>">
    <button type="submit" name="action" value="withdraw" id="withdraw"><?cs var:L.report.withdraw ?></button></form>
  <?cs /if ?>
  <?cs if:subcount(Approvals) ?>
  <h3><?cs var:L.report.approvals ?></h3>
  <table class="list small" id="approvals">
    <thead><tr><th><?cs var:L.report.at ?></th><th><?cs var:L.report.stage ?></th><th><?cs var:L.report.action ?></th><th><?cs var:L.report.user ?></th><th><?cs var:L.report.comment ?></th></tr></thead>
    <tbody><?cs each:a = Approvals ?>
      <tr><td class="nowrap"><time><?cs var:a.when ?></time></td><td><?cs var:a.stage ?><?cs if:a.stage_name ?> <?cs var:a.stage_name ?><?cs /if ?></td>
        <td><span class="badge act-<?cs var:a.action ?>"><?cs alt:L.action[a.action] ?><?cs var:a.action ?><?cs /alt ?></span></td>
        <td><?cs var:a.user_name ?></td><td class="pre"><?cs var:a.comment ?></td></tr>
    <?cs /each ?></tbody>
  </table>
  <?cs /if ?>
</section>
<?cs /if ?>
<section class="card" id="history-card">
  <h2><?cs var:L.report.history ?></h2>
  <?cs if:!HistoryShown ?><p class="help" id="history-unavailable"><?cs var:L.report.history_unavailable ?></p>
  <?cs elif:!subcount(History) ?><p class="help"><?cs var:L.report.history_none ?></p>
  <?cs else ?>
  <table class="list small" id="history">
    <thead><tr><th><?cs var:L.report.at ?></th><th><?cs var:L.report.user ?></th><th><?cs var:L.report.rev_col ?></th><th><?cs var:L.report.cname ?></th><th><?cs var:L.report.old ?></th><th><?cs var:L.report.new ?></th></tr></thead>
    <tbody><?cs each:h = History ?>
      <tr><td class="nowrap"><time><?cs var:h.when ?></time></td><td><?cs var:h.user ?></td><td><?cs var:h.rev ?></td><td><?cs var:h.cname ?></td>
        <td class="pre"><?cs var:h.old_shown ?></td><td class="pre"><?cs var:h.new_shown ?></td></tr>
    <?cs /each ?></tbody>
  </table>
  <?cs /if ?>
</section>
<?cs if:Can.delete ?>
<section class="card" id="delete-card">
  <details><summary><?cs var:L.report.delete ?></summary>
    <form method="post" action="/<?cs var:Tenant.code ?>/manager/reports/<?cs var:R.id ?>/delete" id="delete-form"><?cs call:csrf() ?>
      <input type="hidden" name="rev" value="<?cs var:R.rev ?>">
      <p class="help"><?cs var:L.report.delete_help ?></p>
      <p><label class="check"><input type="checkbox" name="confirm" value="1" required id="delete-confirm"> <?cs var:L.report.delete_confirm ?></label></p>
      <p><button type="submit" class="danger" id="delete-report"><?cs var:L.report.delete_button ?></button></p>
    </form>
  </details>
</section>
<?cs /if ?>
<?cs include:"footer.cs" ?>
