<?cs include:"header.cs" ?>
<section class="card">
  <div class="titlebar"><h1><?cs var:L.defs.title ?></h1></div>
  <form method="get" action="/<?cs var:Tenant.code ?>/manager/definitions" class="filterbar" id="def-filter">
    <label><?cs var:L.defs.name ?> <input name="name" value="<?cs var:Filter.name ?>" size="18"></label>
    <label><?cs var:L.defs.label ?> <select name="label"><option value=""><?cs var:L.log.any ?></option>
      <?cs each:l = Labels ?><option value="<?cs var:l.id ?>"<?cs if:l.id == Filter.label ?> selected<?cs /if ?>><?cs var:l.path ?></option><?cs /each ?></select></label>
    <label><?cs var:L.defs.status ?> <select name="status"><option value=""><?cs var:L.log.any ?></option>
      <?cs each:s = L.defstatus ?><option value="<?cs name:s ?>"<?cs if:Filter.status == name(s) ?> selected<?cs /if ?>><?cs var:s ?></option><?cs /each ?></select></label>
    <button type="submit" id="apply-def-filter"><?cs var:L.log.apply ?></button>
  </form>
  <table class="list" id="definitions">
    <thead><tr><th><?cs var:L.defs.name ?></th><th><?cs var:L.defs.revision ?></th><th><?cs var:L.defs.status ?></th><th><?cs var:L.defs.label ?></th><th><?cs var:L.defs.updated ?></th></tr></thead>
    <tbody>
    <?cs each:d = Defs ?>
      <tr><td><a href="/<?cs var:Tenant.code ?>/manager/definitions/<?cs var:d.id ?>"><?cs var:d.name ?></a></td>
        <td><?cs var:d.revision ?><?cs if:d.published_revision && d.published_revision != d.revision ?> <span class="help">(<?cs var:L.defs.published_rev ?> <?cs var:d.published_revision ?>)</span><?cs /if ?></td>
        <td><span class="badge st-<?cs var:d.status ?>"><?cs var:L.defstatus[d.status] ?></span></td>
        <td><?cs var:d.labels ?></td><td class="nowrap"><?cs var:when(d.updated_at) ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs if:!subcount(Defs) ?><p class="help"><?cs var:L.defs.none ?></p><?cs /if ?>
</section>
<?cs if:Perm.design ?>
<section class="card">
  <h2><?cs var:L.defs.upload ?></h2>
  <?cs call:errlist() ?>
  <form method="post" enctype="multipart/form-data" action="/<?cs var:Tenant.code ?>/manager/definitions" class="row" id="def-upload"><?cs call:csrf() ?>
    <input type="file" name="file" id="def-file" accept=".xml,.zip,application/xml,application/zip" required aria-label="<?cs var:L.defs.file ?>">
    <button type="submit" class="primary" id="def-upload-button"><?cs var:L.defs.upload_button ?></button>
  </form>
  <p class="help"><?cs var:L.defs.upload_help ?></p>
</section>
<?cs /if ?>
<?cs if:Perm.definitions_edit ?>
<section class="card">
  <h2><?cs var:L.labels.new ?></h2>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/labels" class="row" id="label-new"><?cs call:csrf() ?>
    <input name="name" maxlength="100" required aria-label="<?cs var:L.labels.name ?>" placeholder="<?cs var:L.labels.name ?>">
    <select name="parent_id" aria-label="<?cs var:L.labels.parent ?>"><option value=""><?cs var:L.group.top ?></option>
      <?cs each:l = Labels ?><option value="<?cs var:l.id ?>"><?cs var:l.path ?></option><?cs /each ?></select>
    <button type="submit" id="label-create"><?cs var:L.labels.create ?></button>
  </form>
</section>
<?cs /if ?>
<?cs include:"footer.cs" ?>
