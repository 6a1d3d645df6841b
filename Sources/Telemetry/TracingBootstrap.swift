import OTel
