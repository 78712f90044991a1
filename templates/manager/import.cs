<?cs include:"header.cs" ?>
<section class="card">
  <h1><?cs var:L.import.title ?></h1>
  <?cs if:Imported ?><p class="notice" role="status" id="imported"><?cs var:L.import.done ?> <?cs var:Imported ?></p><?cs /if ?>
  <?cs call:errlist() ?>
  <form method="post" enctype="multipart/form-data" action="/<?cs var:Tenant.code ?>/manager/users/import" class="grid"><?cs call:csrf() ?>
    <label for="kind"><?cs var:L.import.kind ?></label>
    <div><select id="kind" name="kind">
      <option value="users"<?cs if:Form.kind == "users" ?> selected<?cs /if ?>><?cs var:L.import.users ?></option>
      <option value="groups"<?cs if:Form.kind == "groups" ?> selected<?cs /if ?>><?cs var:L.import.groups ?></option>
      <option value="memberships"<?cs if:Form.kind == "memberships" ?> selected<?cs /if ?>><?cs var:L.import.memberships ?></option></select></div>
    <label for="encoding"><?cs var:L.import.encoding ?></label>
    <div><select id="encoding" name="encoding"><option value="auto"><?cs var:L.import.auto ?></option><option value="utf-8">UTF-8</option><option value="shift_jis">Shift_JIS</option></select></div>
    <label for="file"><?cs var:L.import.file ?></label>
    <div><input id="file" name="file" type="file" accept=".csv,text/csv" required></div>
    <div></div><div><button type="submit" class="primary" id="import"><?cs var:L.import.submit ?></button></div>
  </form>
  <p class="help"><?cs var:L.import.help ?></p>
  <p><a href="/<?cs var:Tenant.code ?>/manager/users/export.csv?kind=groups"><?cs var:L.import.export_groups ?></a> ·
     <a href="/<?cs var:Tenant.code ?>/manager/users/export.csv?kind=memberships"><?cs var:L.import.export_members ?></a></p>
</section>
<?cs include:"footer.cs" ?>
