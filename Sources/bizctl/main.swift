print("bizctl")
