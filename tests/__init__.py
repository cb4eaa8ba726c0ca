from . import test_upload_flow
from . import test_combined_order
from . import test_missing_data
from . import test_outage
from . import test_security
from . import test_bad_input
from . import test_secrets
from . import test_translation
