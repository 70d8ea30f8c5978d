"""Model serving: MLflow's own model server (`mlflow models serve`) for a registered model
version or alias, supervised from files under the workspace home.

    from jupyter_lakehouse.services.serving import ServingService
    service = ServingService(home, tracking_uri="http://127.0.0.1:5000")
    service.create({"name": "iris", "model_name": "iris", "alias": "champion"})
"""

from .endpoint import ENDPOINT_STATES, Endpoint, validate_name
from .service import ServingService

__all__ = ["ENDPOINT_STATES", "Endpoint", "ServingService", "validate_name"]
