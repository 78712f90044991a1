<?cs include:"header.cs" ?>
<section class="card">
  <h1><?cs var:L.groups.title ?></h1>
  <table class="list" id="groups">
    <thead><tr><th><?cs var:L.group.name ?></th><th><?cs var:L.group.parent ?></th><th><?cs var:L.group.members ?></th><th><?cs var:L.group.permissions ?></th></tr></thead>
    <tbody>
    <?cs each:g = Groups ?>
      <tr><td><a href="/<?cs var:Tenant.code ?>/manager/groups/<?cs var:g.id ?>"><?cs var:g.name ?></a></td>
        <td><?cs each:p = Groups ?><?cs if:p.id == g.parent_id ?><?cs var:p.name ?><?cs /if ?><?cs /each ?></td>
        <td><?cs var:subcount(g.members) ?></td>
        <td><?cs each:pm = g.permissions ?><span class="tag"><?cs var:pm.name ?></span> <?cs /each ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs if:!subcount(Groups) ?><p class="help"><?cs var:L.groups.none ?></p><?cs /if ?>
</section>
<?cs if:Perm.users_edit ?>
<section class="card">
  <h2><?cs var:L.groups.new ?></h2>
  <?cs call:errlist() ?>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/groups" class="grid" id="group-new"><?cs call:csrf() ?>
    <label for="g-name"><?cs var:L.group.name ?></label>
    <div><input id="g-name" name="name" value="<?cs var:Form.name ?>" required maxlength="100"><?cs call:ferr("name") ?></div>
    <label for="g-parent"><?cs var:L.group.parent ?></label>
    <div><select id="g-parent" name="parent_id"><option value=""><?cs var:L.group.top ?></option>
      <?cs each:g = Groups ?><option value="<?cs var:g.id ?>"><?cs var:g.name ?></option><?cs /each ?></select></div>
    <label for="g-desc"><?cs var:L.group.description ?></label>
    <div><input id="g-desc" name="description" maxlength="500"></div>
    <div></div><div><button type="submit" class="primary" id="create-group"><?cs var:L.groups.create ?></button></div>
  </form>
</section>
<?cs /if ?>
<?cs include:"footer.cs" ?>
