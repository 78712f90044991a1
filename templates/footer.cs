</main>
<footer class="bottom"><?cs var:L.app.name ?></footer>
</body>
</html>
