<?cs include:"header.cs" ?>
<section class="card">
  <div class="titlebar"><h1><?cs var:L.exports.title ?></h1></div>
  <?cs call:errlist() ?>
  <p class="help"><?cs var:L.exports.help ?></p>
  <table class="list" id="exports" data-status="/<?cs var:Tenant.code ?>/manager/exports/status">
    <thead><tr><th><?cs var:L.exports.what ?></th><th class="nowrap"><?cs var:L.exports.status ?></th><th><?cs var:L.exports.progress ?></th>
      <th class="nowrap"><?cs var:L.exports.created ?></th><th></th></tr></thead>
    <tbody>
    <?cs each:x = Exports ?>
      <tr id="export-<?cs var:x.id ?>" data-id="<?cs var:x.id ?>" data-status="<?cs var:x.status ?>">
        <td><?cs if:x.kind == "tenant-export" ?><?cs var:L.exports.full ?><?cs else ?><?cs var:L.exports.format[x.format_key] ?><?cs if:x.encoding == "shift_jis" && x.format == "csv" ?> (Shift_JIS)<?cs /if ?><?cs if:x.ids ?> · <?cs var:x.ids ?> <?cs var:L.exports.chosen ?><?cs /if ?><?cs /if ?></td>
        <td class="nowrap"><span class="badge ex-status ex-<?cs var:x.status ?>"><?cs var:L.exports.st[x.status] ?></span></td>
        <td class="ex-progress-cell"><progress class="ex-bar" max="100" value="<?cs var:x.percent ?>"><?cs var:x.percent ?>%</progress>
          <span class="ex-count"><?cs var:x.done ?><?cs if:x.total ?> / <?cs var:x.total ?><?cs /if ?></span>
          <span class="ex-eta help"><?cs if:x.eta_seconds ?><?cs var:L.exports.eta ?> <?cs var:x.eta_seconds ?><?cs var:L.exports.seconds ?><?cs /if ?></span>
          <?cs if:x.error ?><div class="help ex-error"><?cs var:x.error ?></div><?cs /if ?></td>
        <td class="nowrap"><time datetime="<?cs var:x.created_at ?>"><?cs var:x.created_at ?></time></td>
        <td class="nowrap ex-actions">
          <a class="ex-download" download<?cs if:x.status != "done" ?> hidden<?cs /if ?> href="/<?cs var:Tenant.code ?>/manager/exports/<?cs var:x.id ?>/file"><?cs var:L.exports.download ?></a>
          <?cs if:x.status == "queued" || x.status == "running" || x.status == "done" ?><form method="post" class="inline ex-cancel" action="/<?cs var:Tenant.code ?>/manager/exports/<?cs var:x.id ?>/cancel"><?cs call:csrf() ?>
            <button type="submit" class="link"><?cs if:x.status == "done" ?><?cs var:L.exports.remove ?><?cs else ?><?cs var:L.exports.cancel ?><?cs /if ?></button></form><?cs /if ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs if:!subcount(Exports) ?><p class="help" id="no-exports"><?cs var:L.exports.none ?></p><?cs /if ?>
  <p><a href="/<?cs var:Tenant.code ?>/manager/reports"><?cs var:L.exports.from_reports ?></a></p>
</section>
<?cs if:CanFull ?>
<section class="card" id="full-export">
  <h2><?cs var:L.exports.full ?></h2>
  <p class="help"><?cs var:L.exports.full_help ?></p>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/exports/full"><?cs call:csrf() ?>
    <button type="submit" id="start-full-export"><?cs var:L.exports.full_start ?></button></form>
</section>
<?cs /if ?>
<span hidden id="ex-msg" data-eta="<?cs var:L.exports.eta ?>" data-seconds="<?cs var:L.exports.seconds ?>"
  <?cs each:s = L.exports.st ?> data-st-<?cs name:s ?>="<?cs var:s ?>"<?cs /each ?>></span>
<?cs include:"footer.cs" ?>
