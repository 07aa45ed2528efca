"""Files the directory travels in: vCard, CSV, the incident pack. Pure where it can be."""
