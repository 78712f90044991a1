<?cs include:"header.cs" ?>
<section class="card">
  <h1><?cs var:L.group.title ?>: <?cs var:G.name ?></h1>
  <?cs call:errlist() ?>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/groups/<?cs var:G.id ?>" id="group-form"><?cs call:csrf() ?>
  <div class="grid">
    <label for="g-name"><?cs var:L.group.name ?></label>
    <div><input id="g-name" name="name" value="<?cs var:G.name ?>" required maxlength="100"><?cs call:ferr("name") ?></div>
    <label for="g-parent"><?cs var:L.group.parent ?></label>
    <div><select id="g-parent" name="parent_id"><option value=""><?cs var:L.group.top ?></option>
      <?cs each:g = Groups ?><?cs if:g.id != G.id ?><option value="<?cs var:g.id ?>"<?cs if:g.id == G.parent_id ?> selected<?cs /if ?>><?cs var:g.name ?></option><?cs /if ?><?cs /each ?></select>
      <?cs call:ferr("parent_id") ?><p class="help"><?cs var:L.group.parent_help ?></p></div>
    <label for="g-desc"><?cs var:L.group.description ?></label>
    <div><input id="g-desc" name="description" value="<?cs var:G.description ?>" maxlength="500"></div>
  </div>
  <fieldset><legend><?cs var:L.group.permissions ?></legend>
    <div class="checks cols" id="g-perms"><?cs each:p = PermTable ?>
      <label class="check"><input type="checkbox" name="perm" value="<?cs var:p.name ?>"<?cs if:p.held ?> checked<?cs /if ?>> <span><?cs var:L.perm[p.name] ?> <code><?cs var:p.name ?></code></span></label>
    <?cs /each ?></div><?cs call:ferr("permissions") ?>
  </fieldset>
  <fieldset id="g-def-rights"><legend><?cs var:L.group.def_rights ?></legend>
    <?cs if:subcount(Scoped) ?>
    <table class="list small"><thead><tr><th><?cs var:L.group.def_rights_definition ?></th><th><?cs var:L.group.def_rights_permission ?></th></tr></thead><tbody>
    <?cs each:s = Scoped ?><tr><td><?cs if:s.definition ?><a href="/<?cs var:Tenant.code ?>/manager/definitions/<?cs var:s.definition_id ?>"><?cs var:s.definition ?></a><?cs else ?><?cs var:L.group.def_rights_gone ?> (<?cs var:s.definition_id ?>)<?cs /if ?></td>
      <td><?cs var:L.perm[s.permission] ?> <code><?cs var:s.permission ?></code></td></tr><?cs /each ?>
    </tbody></table>
    <?cs else ?><p class="help"><?cs var:L.group.def_rights_none ?></p><?cs /if ?>
    <p class="help"><?cs var:L.group.def_rights_help ?></p>
  </fieldset>
  <fieldset><legend><?cs var:L.group.members ?></legend>
    <div class="checks cols" id="g-members"><?cs each:u = Users ?>
      <label class="check"><input type="checkbox" name="member" value="<?cs var:u.id ?>"<?cs if:Member[u.id] ?> checked<?cs /if ?>> <span><?cs var:u.name ?> <code><?cs var:u.login ?></code></span></label>
    <?cs /each ?></div><?cs call:ferr("users") ?>
  </fieldset>
  <p><button type="submit" class="primary" id="save-group"><?cs var:L.common.save ?></button>
    <a href="/<?cs var:Tenant.code ?>/manager/groups"><?cs var:L.common.cancel ?></a></p>
  </form>
</section>
<?cs if:Perm.users_delete ?>
<section class="card">
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/groups/<?cs var:G.id ?>/delete"><?cs call:csrf() ?><?cs call:ferr("id") ?>
    <button type="submit" class="danger" id="delete-group"><?cs var:L.group.delete ?></button></form>
</section>
<?cs /if ?>
<?cs include:"footer.cs" ?>
