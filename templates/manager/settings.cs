<?cs include:"header.cs" ?>
<section class="card">
  <h1><?cs var:L.settings.title ?></h1>
  <?cs call:errlist() ?>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/settings" class="stack"><?cs call:csrf() ?>
    <label for="time-zone"><?cs var:L.settings.time_zone ?></label>
    <div><select name="time_zone" id="time-zone"<?cs if:!Perm.settings_edit ?> disabled<?cs /if ?>>
      <?cs each:z = Zones ?><option value="<?cs var:z ?>"<?cs if:z == Settings.time_zone ?> selected<?cs /if ?>><?cs var:z ?></option><?cs /each ?>
    </select><?cs call:ferr("time_zone") ?></div>
    <p class="help"><?cs var:L.settings.time_zone_help ?></p>
    <label class="check"><input type="checkbox" name="auto_approve" value="1" id="auto-approve"<?cs if:Settings.devices.auto_approve == "1" ?> checked<?cs /if ?><?cs if:!Perm.settings_edit ?> disabled<?cs /if ?>> <?cs var:L.settings.auto_approve ?></label>
    <p class="help"><?cs var:L.settings.auto_approve_help ?></p>
    <?cs if:Perm.settings_edit ?><button type="submit" class="primary" id="save-settings"><?cs var:L.common.save ?></button><?cs /if ?>
  </form>
</section>
<section class="card" id="storage">
  <h2><?cs var:L.settings.storage ?></h2>
  <p id="storage-use"><?cs var:L.settings.storage ?>: <?cs var:Storage.used ?><?cs if:Storage.quota ?> <?cs var:L.settings.storage_of ?> <?cs var:Storage.quota ?> (<?cs var:Storage.percent ?> %)<?cs else ?> (<?cs var:L.settings.storage_unlimited ?>)<?cs /if ?></p>
  <?cs if:Storage.quota ?><meter min="0" max="100" low="70" high="90" optimum="0" value="<?cs var:Storage.meter ?>"><?cs var:Storage.percent ?> %</meter><?cs /if ?>
  <?cs if:Storage.full ?><p class="alert" role="alert" id="storage-warning"><?cs var:L.settings.storage_full ?></p><?cs elif:Storage.warn ?><p class="alert" role="alert" id="storage-warning"><?cs var:L.settings.storage_warn ?></p><?cs /if ?>
  <p class="help"><?cs var:L.settings.storage_help ?></p>
</section>
<?cs include:"footer.cs" ?>
