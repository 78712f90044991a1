<?cs include:"header.cs" ?>
<section class="card">
  <h1><?cs var:L.masters.title ?></h1>
  <table class="list" id="masters">
    <thead><tr><th><?cs var:L.masters.name ?></th><th><?cs var:L.masters.version ?></th><th><?cs var:L.masters.records ?></th><th><?cs var:L.masters.fields ?></th><th><?cs var:L.defs.updated ?></th></tr></thead>
    <tbody><?cs each:m = Masters ?>
      <tr><td><a href="/<?cs var:Tenant.code ?>/manager/masters/<?cs var:m.id ?>"><?cs var:m.name ?></a></td><td><?cs var:m.version ?></td><td><?cs var:m.records ?></td>
        <td><?cs each:f = m.fields ?><span class="tag"><?cs var:f.name ?>: <?cs var:f.type ?></span> <?cs /each ?></td><td class="nowrap"><?cs var:when(m.updated_at) ?></td></tr>
    <?cs /each ?></tbody>
  </table>
  <?cs if:!subcount(Masters) ?><p class="help"><?cs var:L.masters.none ?></p><?cs /if ?>
</section>
<?cs if:Perm.definitions_edit ?>
<section class="card">
  <h2><?cs var:L.masters.upload ?></h2>
  <?cs call:errlist() ?>
  <form method="post" enctype="multipart/form-data" action="/<?cs var:Tenant.code ?>/manager/masters" class="grid" id="master-upload"><?cs call:csrf() ?>
    <label for="m-name"><?cs var:L.masters.name ?></label><div><input id="m-name" name="name" value="<?cs var:Form.name ?>" required maxlength="100"><?cs call:ferr("name") ?></div>
    <label for="m-enc"><?cs var:L.import.encoding ?></label><div><select id="m-enc" name="encoding"><option value="auto"><?cs var:L.import.auto ?></option><option value="utf-8">UTF-8</option><option value="shift_jis">Shift_JIS</option></select></div>
    <label for="m-file"><?cs var:L.import.file ?></label><div><input id="m-file" name="file" type="file" accept=".csv,text/csv" required></div>
    <div></div><div><button type="submit" class="primary" id="master-upload-button"><?cs var:L.masters.upload_button ?></button></div>
  </form>
  <p class="help"><?cs var:L.masters.help ?></p>
</section>
<?cs /if ?>
<?cs include:"footer.cs" ?>
