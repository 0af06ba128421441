"""opsdash: operations dashboard for chains of private clinics."""
