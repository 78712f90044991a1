<?cs include:"header.cs" ?>
<section class="card">
  <h1><?cs var:L.settings.title ?></h1>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/settings" class="stack"><?cs call:csrf() ?>
    <label class="check"><input type="checkbox" name="auto_approve" value="1" id="auto-approve"<?cs if:Settings.devices.auto_approve == "1" ?> checked<?cs /if ?><?cs if:!Perm.settings_edit ?> disabled<?cs /if ?>> <?cs var:L.settings.auto_approve ?></label>
    <p class="help"><?cs var:L.settings.auto_approve_help ?></p>
    <?cs if:Perm.settings_edit ?><button type="submit" class="primary" id="save-settings"><?cs var:L.common.save ?></button><?cs /if ?>
  </form>
</section>
<?cs include:"footer.cs" ?>
