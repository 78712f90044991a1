<?cs include:"header.cs" ?>
<section class="card">
  <h1><?cs var:L.maint.page.title ?></h1>
  <?cs if:State.active ?>
  <div class="alert" role="alert" id="maintenance-now"><p><strong><?cs var:L.maint.page.now ?></strong>
    <?cs if:State.until ?><?cs var:L.maint.page.until ?> <?cs var:State.until ?><?cs /if ?></p>
    <?cs if:State.message ?><p><?cs var:State.message ?></p><?cs /if ?></div>
  <?cs /if ?>
  <p><?cs var:L.maint.page.intro ?></p>
  <?cs if:subcount(Windows) ?>
  <table class="list" id="maintenance-windows">
    <thead><tr><th><?cs var:L.maint.page.from ?></th><th><?cs var:L.maint.page.to ?></th>
      <th><?cs var:L.maint.page.hours ?></th><th><?cs var:L.maint.page.message ?></th></tr></thead>
    <tbody>
    <?cs each:w = Windows ?>
    <tr id="window-<?cs var:w.id ?>"><td class="nowrap"><time datetime="<?cs var:w.from_utc ?>"><?cs var:w.from ?></time>
      <?cs if:w.running ?><span class="badge"><?cs var:L.maint.page.running ?></span><?cs /if ?></td>
      <td class="nowrap"><time datetime="<?cs var:w.to_utc ?>"><?cs var:w.to ?></time></td>
      <td><?cs var:w.hours ?></td><td><?cs var:w.message ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs else ?>
  <p class="notice" id="maintenance-none"><?cs var:L.maint.page.none ?></p>
  <?cs /if ?>
  <p class="meta" id="maintenance-zone"><?cs var:L.maint.page.zone ?> <?cs var:Zone ?></p>
  <p class="meta"><?cs var:L.maint.page.offline ?></p>
  <p class="meta"><a href="/maintenance?lang=ja<?cs if:TzQuery ?>&amp;tz=<?cs var:TzQuery ?><?cs /if ?>" lang="ja">日本語</a> · <a href="/maintenance?lang=en<?cs if:TzQuery ?>&amp;tz=<?cs var:TzQuery ?><?cs /if ?>" lang="en">English</a></p>
</section>
<?cs include:"footer.cs" ?>
