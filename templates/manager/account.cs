<?cs include:"header.cs" ?>
<section class="card">
  <h1><?cs var:L.account.title ?></h1>
  <dl class="facts"><dt><?cs var:L.user.login ?></dt><dd><?cs var:User.login ?></dd><dt><?cs var:L.user.name ?></dt><dd><?cs var:User.name ?></dd></dl>
</section>
<section class="card">
  <h2><?cs var:L.account.password ?></h2>
  <?cs if:MustChange ?><p class="alert" role="alert" id="must-change"><?cs var:L.account.must_change ?></p><?cs /if ?>
  <?cs call:errlist() ?>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/account/password" class="stack"><?cs call:csrf() ?>
    <label for="current"><?cs var:L.account.current ?></label>
    <input id="current" name="current" type="password" autocomplete="current-password" required><?cs call:ferr("current") ?>
    <label for="new"><?cs var:L.account.new ?></label>
    <input id="new" name="new" type="password" autocomplete="new-password" required minlength="8" maxlength="128"
      aria-describedby="pw-help"><?cs call:ferr("new") ?>
    <p class="help" id="pw-help"><?cs var:L.account.rules ?></p>
    <label for="confirm"><?cs var:L.account.confirm ?></label>
    <input id="confirm" name="confirm" type="password" autocomplete="new-password" required><?cs call:ferr("confirm") ?>
    <button type="submit" class="primary" id="change-password"><?cs var:L.account.change ?></button>
  </form>
</section>
<section class="card">
  <h2><?cs var:L.account.language ?></h2>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/account/language" class="row"><?cs call:csrf() ?>
    <select name="lang" id="lang" aria-label="<?cs var:L.account.language ?>">
      <option value=""<?cs if:!Account.lang ?> selected<?cs /if ?>><?cs var:L.lang.auto ?></option>
      <option value="ja"<?cs if:Account.lang == "ja" ?> selected<?cs /if ?>>日本語</option>
      <option value="en"<?cs if:Account.lang == "en" ?> selected<?cs /if ?>>English</option>
    </select>
    <button type="submit" id="save-lang"><?cs var:L.common.save ?></button>
  </form>
</section>
<?cs include:"footer.cs" ?>
