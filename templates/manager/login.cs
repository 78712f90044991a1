<?cs include:"header.cs" ?>
<section class="card narrow">
  <h1><?cs var:L.login.heading ?></h1>
  <?cs if:Errors.form ?><div class="alert" role="alert" id="login-error"><?cs var:Errors.form ?></div><?cs /if ?>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/login" class="stack"><?cs call:csrf() ?>
    <input type="hidden" name="next" value="<?cs var:Form.next ?>">
    <label for="login"><?cs var:L.login.login ?></label>
    <input id="login" name="login" value="<?cs var:Form.login ?>" autocomplete="username" required autofocus maxlength="64">
    <label for="password"><?cs var:L.login.password ?></label>
    <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
    <button type="submit" class="primary" id="signin"><?cs var:L.login.submit ?></button>
  </form>
</section>
<?cs include:"footer.cs" ?>
