// Riposte's small helpers. The pages work without JavaScript; this only adds comfort.
(function () {
  "use strict";
})();
